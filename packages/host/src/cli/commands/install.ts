import { installPlugin } from '../../plugins/index';
import { readTrustedKeys } from '../../repository/index';
import { writeJson, type CliCommand } from '../command';
import { repeatedOption, requiredOption } from '../read-json';

interface InstallFlags {
  repo?: unknown;
  pluginsDir?: unknown;
  trustedKey?: unknown;
  json?: boolean;
}

/** `provd install <PLUGIN_ID> --repo URL_OR_DIR --plugins-dir DIR [--trusted-key FILE]... [--json]` (cli.md). */
export const installCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('install <pluginId>', 'Install or upgrade a plugin from a repository, verifying its size and digest first')
      .option('--repo <urlOrDir>', 'The plugin repository: a folder or an http(s):// URL holding plugins.db')
      .option('--plugins-dir <dir>', 'The plugins folder')
      .option('--trusted-key <file>', 'An Ed25519 public key (PEM); plugins.db must be signed by one (repeatable)')
      .option('--json', 'Print {"id", "version", "previousVersion"} as JSON')
      .action(async (pluginId: string, flags: InstallFlags) => {
        const repo = requiredOption(flags.repo, '--repo URL_OR_DIR');
        const pluginsDir = requiredOption(flags.pluginsDir, '--plugins-dir DIR');
        const trustedKeys = await readTrustedKeys(repeatedOption(flags.trustedKey, '--trusted-key FILE'));
        const result = await installPlugin(String(pluginId), { repo, pluginsDir, trustedKeys });
        const previousVersion = result.previousVersion ?? null;
        if (flags.json) writeJson(io, { id: result.id, version: result.version, previousVersion });
        else if (previousVersion !== null) io.stdout.write(`upgraded ${result.id} from ${previousVersion} to ${result.version}\n`);
        else io.stdout.write(`installed ${result.id} ${result.version}\n`);
      });
  },
};
