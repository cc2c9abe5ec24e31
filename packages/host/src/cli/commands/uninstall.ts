import { uninstallPlugin } from '../../plugins/index';
import { hostApi } from '../api-client';
import { writeJson, type CliCommand } from '../command';
import { requiredOption } from '../read-json';

/** `provd uninstall <PLUGIN_ID> --plugins-dir DIR [--json]` (cli.md), or `--api URL`: through a running host's REST API. */
export const uninstallCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('uninstall <pluginId>', 'Remove an installed plugin (its firmware and generated files included)')
      .option('--plugins-dir <dir>', 'The plugins folder')
      .option('--api <url>', 'Have the running host at this API URL uninstall it (token in PROVD_API_TOKEN)')
      .option('--json', 'Print {"id"} as JSON')
      .action(async (pluginId: string, flags: { pluginsDir?: unknown; api?: unknown; json?: boolean }) => {
        const api = hostApi(flags.api);
        if (api) await api.request('POST', '/pg_mgr/install/uninstall', { id: String(pluginId) });
        else await uninstallPlugin(String(pluginId), requiredOption(flags.pluginsDir, '--plugins-dir DIR'));
        if (flags.json) writeJson(io, { id: String(pluginId) });
        else io.stdout.write(`uninstalled ${String(pluginId)}\n`);
      });
  },
};
