import { resolve } from 'node:path';
import { listInstalledPlugins } from '../../plugins/index';
import { fetchPluginIndex, openRepository, readTrustedKeys, sequencesOf } from '../../repository/index';
import { proxiesFrom } from '../proxies';
import { hostApi } from '../api-client';
import { writeJson, type CliCommand } from '../command';
import { optionalOption, repeatedOption, requiredOption } from '../read-json';

interface ListFlags {
  pluginsDir?: unknown;
  repo?: unknown;
  trustedKey?: unknown;
  api?: unknown;
  json?: boolean;
}

/** One plugin in the listing. */
interface Listed {
  id: string;
  version: string;
  description: string;
}

const listed = (id: string, info: { version?: unknown; description?: unknown }): Listed => ({
  id,
  version: String(info.version ?? ''),
  description: String(info.description ?? ''),
});

/**
 * `provd list --plugins-dir DIR [--repo URL_OR_DIR] [--json]` (cli.md). `--json` prints
 * `{"installed": [{id, version, description}], "installable": [{id, version, description, installed}] | null,
 * "broken": [{id, code, message}]}`, where `installed` of an installable plugin is its installed version or `null`.
 * With `--api URL`, the lists are a running host's (installable: from its `plugin_server`), through its REST API.
 */
export const listCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('list', 'List installed plugins and, with --repo, installable ones with their versions')
      .option('--plugins-dir <dir>', 'The plugins folder')
      .option('--repo <urlOrDir>', 'Also list the plugins of this repository')
      .option('--trusted-key <file>', 'An Ed25519 public key (PEM); plugins.db must be signed by one (repeatable)')
      .option('--api <url>', 'List the plugins of the running host at this API URL (token in PROVD_API_TOKEN)')
      .option('--json', 'Print the lists as one JSON document')
      .action(async (flags: ListFlags) => {
        const api = hostApi(flags.api);
        let plugins: Record<string, { version?: unknown; description?: unknown }>;
        let broken: { plugin?: string; code: string; message: string }[] = [];
        let remoteInstallable: Record<string, { version?: unknown; description?: unknown }> | undefined;
        if (api) {
          plugins = (await api.request('GET', '/pg_mgr/install/installed')).json?.pkgs ?? {};
          remoteInstallable = (await api.request('GET', '/pg_mgr/install/installable')).json?.pkgs ?? {};
        } else {
          ({ plugins, broken } = await listInstalledPlugins(requiredOption(flags.pluginsDir, '--plugins-dir DIR')));
        }
        const repo = optionalOption(flags.repo, '--repo URL_OR_DIR');
        const trustedKeys = await readTrustedKeys(repeatedOption(flags.trustedKey, '--trusted-key FILE'));
        const installed = Object.keys(plugins).sort().map((id) => listed(id, plugins[id]!));
        let installable: (Listed & { installed: string | null })[] | null = null;
        if (remoteInstallable) {
          installable = Object.keys(remoteInstallable)
            .sort()
            .map((id) => ({ ...listed(id, remoteInstallable[id] ?? {}), installed: String(plugins[id]?.version ?? '') || null }));
        } else if (repo !== undefined) {
          const pluginsDir = flags.pluginsDir === undefined ? undefined : resolve(String(flags.pluginsDir));
          const index = await fetchPluginIndex(openRepository(repo, { proxies: proxiesFrom(undefined, process.env) }), { trustedKeys, ...(pluginsDir ? { sequences: sequencesOf(pluginsDir) } : {}) });
          installable = Object.keys(index)
            .sort()
            .map((id) => ({ ...listed(id, index[id] ?? {}), installed: String(plugins[id]?.version ?? '') || null }));
        }
        const brokenList = broken.map((e) => ({ id: e.plugin ?? '', code: e.code, message: e.message }));
        if (flags.json) {
          writeJson(io, { installed, installable, broken: brokenList });
          return;
        }
        io.stdout.write(installed.length > 0 ? 'installed:\n' : 'no plugin installed\n');
        for (const p of installed) io.stdout.write(`  ${p.id} ${p.version}  ${p.description}\n`);
        if (installable) {
          io.stdout.write(installable.length > 0 ? 'installable:\n' : 'the repository offers no plugin\n');
          for (const p of installable) io.stdout.write(`  ${p.id} ${p.version}${p.installed ? ` (installed: ${p.installed})` : ''}  ${p.description}\n`);
        }
        for (const e of broken) io.stderr.write(`provd: ${e.code}: ${e.message}\n`);
      });
  },
};
