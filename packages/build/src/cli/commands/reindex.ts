import type { CAC } from 'cac';
import { reindexRepository } from '../../build/reindex-repository';
import { EXIT_OK, EXIT_USER_ERROR, printError, printJson, terminalReporter } from '../output';

/** Registers `reindex <dir>`. */
export function registerReindex(cli: CAC, setExit: (code: number) => void): void {
  cli
    .command('reindex <dir>', 'Rewrite plugins.db of an existing folder of plugin tarballs (a stable or archive channel)')
    .option('--pretty', 'Indent plugins.db')
    .option('--sign <keyfile>', 'Sign plugins.db with this PEM Ed25519 private key (writes plugins.db.sig)')
    .option('--json', 'Print the result as JSON')
    .example('provd-build reindex dist/channels/stable --sign keys/repo.pem')
    .action(async (dir: string, flags: { pretty?: boolean; sign?: string; json?: boolean }) => {
      const reporter = terminalReporter();
      const result = await reindexRepository({ dir, pretty: flags.pretty, signKey: flags.sign, reporter });
      reporter.done();
      for (const err of result.errors) printError(err);
      if (flags.json) printJson({ ok: result.ok, plugins: result.plugins, errors: result.errors.map((e) => e.toJSON()) });
      else if (result.ok) process.stdout.write(`indexed ${result.plugins.length} plugin${result.plugins.length === 1 ? '' : 's'} in ${dir}\n`);
      setExit(result.ok ? EXIT_OK : EXIT_USER_ERROR);
    });
}
