import { uninstallPlugin } from '../../plugins/index';
import { writeJson, type CliCommand } from '../command';
import { requiredOption } from '../read-json';

/** `provd uninstall <PLUGIN_ID> --plugins-dir DIR [--json]` (cli.md). */
export const uninstallCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('uninstall <pluginId>', 'Remove an installed plugin (its firmware and generated files included)')
      .option('--plugins-dir <dir>', 'The plugins folder')
      .option('--json', 'Print {"id"} as JSON')
      .action(async (pluginId: string, flags: { pluginsDir?: unknown; json?: boolean }) => {
        const pluginsDir = requiredOption(flags.pluginsDir, '--plugins-dir DIR');
        await uninstallPlugin(String(pluginId), pluginsDir);
        if (flags.json) writeJson(io, { id: String(pluginId) });
        else io.stdout.write(`uninstalled ${String(pluginId)}\n`);
      });
  },
};
