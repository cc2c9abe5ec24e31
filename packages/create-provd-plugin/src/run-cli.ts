import { cac } from 'cac';
import { isProvdError } from '@provd/sdk';
import { parseLayout, splitModels, type Answers } from './answers';
import { createError } from './errors';
import { terminalAsker } from './prompt';
import { nextSteps, scaffold } from './scaffold';
import { VERSION } from './version';

/** The flags of `create-provd-plugin`. */
interface Flags {
  vendor?: string;
  family?: string;
  models?: string | string[];
  firmware?: string | number;
  layout?: string;
  standalone?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** The answers given as flags (an unusable layout is reported with the others). */
function answersOf(flags: Flags): Partial<Answers> {
  const answers: Partial<Answers> = {};
  if (flags.vendor !== undefined) answers.vendor = String(flags.vendor);
  if (flags.family !== undefined) answers.family = String(flags.family);
  if (flags.models !== undefined) answers.models = (Array.isArray(flags.models) ? flags.models : [flags.models]).flatMap((m) => splitModels(String(m)));
  if (flags.firmware !== undefined) answers.firmware = String(flags.firmware);
  if (flags.layout !== undefined) {
    const layout = parseLayout(String(flags.layout));
    if (!layout) throw createError('PROVD_CREATE_INVALID_ANSWERS', { problems: [`layout: ${JSON.stringify(String(flags.layout))} is not a layout: use "xml" or "kv" (key = value)`] });
    answers.layout = layout;
  }
  return answers;
}

/**
 * Runs `create-provd-plugin [dir]` (what `pnpm create provd-plugin` runs) on `argv` (as `process.argv`) and
 * resolves to the exit status: 0 when the family was written, 1 on a problem (nothing written), 2 on bad usage.
 * On a terminal it asks what the flags do not say; elsewhere (CI) vendor and models must be flags.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv);
 * ```
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const cli = cac('create-provd-plugin');
  let exit = 0;
  cli
    .command('[dir]', 'Write a new provd plugin family into DIR')
    .option('--vendor <name>', 'The vendor, as phones write it (e.g. Acme)')
    .option('--family <name>', 'The family name: lower-case letters, digits and "-" (default: from the vendor)')
    .option('--models <list>', 'The models, comma-separated (e.g. A10,A20)')
    .option('--firmware <version>', 'The firmware version of the first plugin (default: 1.0.0)')
    .option('--layout <xml|kv>', 'One configuration file per MAC: XML, or key = value lines (default: xml)')
    .option('--standalone', 'Make a folder of its own, even inside the provd repository')
    .option('--yes', 'Ask nothing: take the defaults of what the flags do not say')
    .option('--json', 'Print the result as JSON')
    .example('pnpm create provd-plugin provd-plugin-acme --vendor Acme --models A10,A20 --layout kv')
    .action(async (dir: string | undefined, flags: Flags) => {
      const interactive = process.stdin.isTTY === true && flags.yes !== true;
      const asker = interactive ? terminalAsker(process.stdin, process.stderr) : undefined;
      try {
        const result = await scaffold({ dir, answers: answersOf(flags), standalone: flags.standalone === true, asker });
        if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else {
          const where = result.placement === 'workspace' ? 'a package of this repository' : 'a folder of its own';
          process.stdout.write(`wrote the ${result.answers.family} family (plugin ${result.pluginId}, ${result.files.length} files) into ${result.dir}, ${where}\nnext:\n`);
          for (const line of nextSteps(result, process.cwd())) process.stdout.write(`  ${line}\n`);
        }
      } finally {
        asker?.close();
      }
    });
  cli.help();
  cli.version(VERSION);
  try {
    const parsed = cli.parse([...argv], { run: false });
    if (parsed.options.help || parsed.options.version) return 0;
    await cli.runMatchedCommand();
    return exit;
  } catch (err) {
    if (err instanceof Error && err.name === 'CACError') {
      process.stderr.write(`create-provd-plugin: ${err.message}; run "create-provd-plugin --help"\n`);
      return 2;
    }
    const code = isProvdError(err) ? err.code : 'PROVD_INTERNAL';
    process.stderr.write(`create-provd-plugin: ${code}: ${err instanceof Error ? err.message : String(err)}\n`);
    exit = 1;
    return exit;
  }
}
