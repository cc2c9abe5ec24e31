import type { CAC } from 'cac';
import { buildRepository } from '../../build/build-repository';
import { EXIT_OK, EXIT_USER_ERROR, printError, printJson, terminalReporter } from '../output';

/** Registers `check [...families]`. */
export function registerCheck(cli: CAC, setExit: (code: number) => void): void {
  cli
    .command('check [...families]', 'Report everything wrong with plugin families (schema, templates, manifests, DHCP, SDK range) without writing anything')
    .option('--root <dir>', 'The repository root: its own provd.family.ts, packages/*/ and examples/*/ are searched', { default: '.' })
    .option('--json', 'Print the result as JSON')
    .example('provd-build check digium')
    .action(async (families: string[], flags: { root: string; json?: boolean }) => {
      const reporter = terminalReporter();
      const result = await buildRepository({ root: String(flags.root), families: families.map(String), out: '.', checkOnly: true, reporter });
      reporter.done();
      for (const err of result.errors) printError(err);
      if (flags.json) printJson({ ok: result.ok, families: result.families, plugins: result.plugins, errors: result.errors.map((e) => e.toJSON()) });
      else if (result.ok) {
        process.stdout.write(`${result.families.length} famil${result.families.length === 1 ? 'y' : 'ies'}, ${result.plugins.length} plugin${result.plugins.length === 1 ? '' : 's'}: no problem found\n`);
      } else {
        process.stdout.write(`${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} found\n`);
      }
      setExit(result.ok ? EXIT_OK : EXIT_USER_ERROR);
    });
}
