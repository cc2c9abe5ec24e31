import { listInstalledPlugins } from '../../plugins/index';
import { fetchPluginIndex, openRepository, readTrustedKeys } from '../../repository/index';
import { writeJson, type CliCommand } from '../command';
import { optionalOption, repeatedOption, requiredOption } from '../read-json';

interface ListFlags {
  pluginsDir?: unknown;
  repo?: unknown;
  trustedKey?: unknown;
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
 */
export const listCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('list', 'List installed plugins and, with --repo, installable ones with their versions')
      .option('--plugins-dir <dir>', 'The plugins folder')
      .option('--repo <urlOrDir>', 'Also list the plugins of this repository')
      .option('--trusted-key <file>', 'An Ed25519 public key (PEM); plugins.db must be signed by one (repeatable)')
      .option('--json', 'Print the lists as one JSON document')
      .action(async (flags: ListFlags) => {
        const pluginsDir = requiredOption(flags.pluginsDir, '--plugins-dir DIR');
        const repo = optionalOption(flags.repo, '--repo URL_OR_DIR');
        const trustedKeys = await readTrustedKeys(repeatedOption(flags.trustedKey, '--trusted-key FILE'));
        const { plugins, broken } = await listInstalledPlugins(pluginsDir);
        const installed = Object.entries(plugins).map(([id, info]) => listed(id, info));
        let installable: (Listed & { installed: string | null })[] | null = null;
        if (repo !== undefined) {
          const index = await fetchPluginIndex(openRepository(repo), { trustedKeys });
          installable = Object.keys(index)
            .sort()
            .map((id) => ({ ...listed(id, index[id] ?? {}), installed: plugins[id]?.version ?? null }));
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
