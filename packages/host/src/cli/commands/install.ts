import { installPlugin } from '../../plugins/index';
import { openRepository, readTrustedKeys } from '../../repository/index';
import { proxiesFrom } from '../proxies';
import { hostApi } from '../api-client';
import { writeJson, type CliCommand } from '../command';
import { deadlineOption, repeatedOption, requiredOption } from '../read-json';

interface InstallFlags {
  repo?: unknown;
  pluginsDir?: unknown;
  trustedKey?: unknown;
  api?: unknown;
  downloadDeadline?: unknown;
  json?: boolean;
}

/**
 * `provd install <PLUGIN_ID> --repo URL_OR_DIR --plugins-dir DIR [--trusted-key FILE]... [--json]` (cli.md), or
 * `provd install <PLUGIN_ID> --api URL` to have a running host install (or upgrade) it from its `plugin_server`,
 * through its REST API (token in `PROVD_API_TOKEN`), so that it loads the plugin and configures its devices.
 */
export const installCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('install <pluginId>', 'Install or upgrade a plugin from a repository, verifying its size and digest first')
      .option('--repo <urlOrDir>', 'The plugin repository: a folder or an http(s):// URL holding plugins.db')
      .option('--plugins-dir <dir>', 'The plugins folder')
      .option('--trusted-key <file>', 'An Ed25519 public key (PEM); plugins.db must be signed by one (repeatable)')
      .option('--api <url>', 'Have the running host at this API URL install it (token in PROVD_API_TOKEN)')
      .option('--download-deadline <seconds>', 'The most fetching the index and the package may take (default: 120)')
      .option('--json', 'Print {"id", "version", "previousVersion"} as JSON')
      .action(async (pluginId: string, flags: InstallFlags) => {
        const api = hostApi(flags.api);
        if (api) {
          const id = String(pluginId);
          const before = (await api.request('GET', '/pg_mgr/install/installed')).json?.pkgs?.[id]?.version as string | undefined;
          const started = await api.request('POST', before === undefined ? '/pg_mgr/install/install' : '/pg_mgr/install/upgrade', { id });
          await api.follow(started.location ?? '', io, `${before === undefined ? 'installing' : 'upgrading'} ${id}`);
          const version = String((await api.request('GET', '/pg_mgr/install/installed')).json?.pkgs?.[id]?.version ?? '');
          if (flags.json) writeJson(io, { id, version, previousVersion: before ?? null });
          else if (before !== undefined) io.stdout.write(`upgraded ${id} from ${before} to ${version}\n`);
          else io.stdout.write(`installed ${id} ${version}\n`);
          return;
        }
        const repo = requiredOption(flags.repo, '--repo URL_OR_DIR');
        const pluginsDir = requiredOption(flags.pluginsDir, '--plugins-dir DIR');
        const trustedKeys = await readTrustedKeys(repeatedOption(flags.trustedKey, '--trusted-key FILE'));
        const deadlineMs = deadlineOption(flags.downloadDeadline);
        const result = await installPlugin(String(pluginId), { repo: openRepository(String(repo), { proxies: proxiesFrom(undefined, process.env) }), pluginsDir, trustedKeys, ...(deadlineMs === undefined ? {} : { deadlineMs }) });
        const previousVersion = result.previousVersion ?? null;
        if (flags.json) writeJson(io, { id: result.id, version: result.version, previousVersion });
        else if (previousVersion !== null) io.stdout.write(`upgraded ${result.id} from ${previousVersion} to ${result.version}\n`);
        else io.stdout.write(`installed ${result.id} ${result.version}\n`);
      });
  },
};
