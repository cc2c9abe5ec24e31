import type { CAC } from 'cac';
import { resolve } from 'node:path';

import { buildRepository } from '../../build/build-repository';
import { DEFAULT_DHCP_HOOK_COMMAND, DEFAULT_DHCP_HOOK_TOKEN_FILE, isPlainHookValue } from '../../dhcp/dhcp-hooks';
import { EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, printError, printJson, terminalReporter } from '../output';
import { buildError } from '../../errors';

/** Whether a base URL can go into the Kea classes: http(s), no quotes or spaces. */
function usableBaseUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol) && !/["'\s\\]/.test(value);
  } catch {
    return false;
  }
}

/** The options of `provd-build build`. */
interface BuildFlags {
  out: string;
  root: string;
  pretty?: boolean;
  sign?: string;
  bundle?: string;
  dhcpBaseUrl?: string;
  dhcpHookUrl?: string;
  dhcpHookCommand?: string;
  dhcpHookTokenFile?: string;
  pluginsDir?: string;
  json?: boolean;
  examples?: boolean;
}

/** Registers `build [...families]`. */
export function registerBuild(cli: CAC, setExit: (code: number) => void): void {
  cli
    .command('build [...families]', 'Build plugin families (those under packages/, or the named ones) into a plugin repository')
    .option('--examples', 'With no family named, also build the example families of examples/')
    .option('--out <dir>', 'The repository folder to write', { default: 'dist/repo' })
    .option('--root <dir>', 'The repository root: its own provd.family.ts, packages/*/ and examples/*/ are searched', { default: '.' })
    .option('--pretty', 'Indent plugins.db')
    .option('--sign <keyfile>', 'Sign plugins.db with this PEM Ed25519 private key (writes plugins.db.sig)')
    .option('--bundle <zipfile>', 'Also write an offline bundle (.zip) of the repository')
    .option('--dhcp-base-url <url>', 'The provisioning base URL written into the Kea classes')
    .option('--dhcp-hook-url <url>', 'Also write the DHCP hooks posting leases to the host REST API at this URL (ISC on commit/release/expiry, Kea run_script)')
    .option('--dhcp-hook-command <path>', `Where the hook program is installed on the DHCP server (default: ${DEFAULT_DHCP_HOOK_COMMAND})`)
    .option('--dhcp-hook-token-file <file>', `File the hook reads the API token from (default: ${DEFAULT_DHCP_HOOK_TOKEN_FILE})`)
    .option('--plugins-dir <dir>', 'Also write each built plugin unpacked, as <dir>/<plugin id>')
    .option('--json', 'Print the result as JSON')
    .example('provd-build build digium --out dist/repo --pretty')
    .action(async (families: string[], flags: BuildFlags) => {
      if (flags.dhcpBaseUrl !== undefined && !usableBaseUrl(String(flags.dhcpBaseUrl))) {
        process.stderr.write(`provd: --dhcp-base-url must be an http:// or https:// URL without quotes or spaces (got ${JSON.stringify(String(flags.dhcpBaseUrl))})\n`);
        setExit(EXIT_USAGE);
        return;
      }
      for (const [flag, value] of [['--dhcp-hook-command', flags.dhcpHookCommand], ['--dhcp-hook-token-file', flags.dhcpHookTokenFile]] as const) {
        if (value !== undefined && (!String(value).startsWith('/') || !isPlainHookValue(String(value)))) {
          process.stderr.write(`provd: ${flag} must be an absolute path of letters, digits and "_./:@%+=,-" (got ${JSON.stringify(String(value))})\n`);
          setExit(EXIT_USAGE);
          return;
        }
      }
      if ((flags.dhcpHookCommand !== undefined || flags.dhcpHookTokenFile !== undefined) && flags.dhcpHookUrl === undefined) {
        process.stderr.write('provd: --dhcp-hook-command and --dhcp-hook-token-file need --dhcp-hook-url URL (the host REST API the hooks post to)\n');
        setExit(EXIT_USAGE);
        return;
      }
      if (flags.dhcpHookUrl !== undefined && (!usableBaseUrl(String(flags.dhcpHookUrl)) || !isPlainHookValue(String(flags.dhcpHookUrl)))) {
        process.stderr.write(`provd: --dhcp-hook-url must be the http:// or https:// URL of the host REST API, e.g. http://10.0.0.1:8666 (got ${JSON.stringify(String(flags.dhcpHookUrl))})\n`);
        setExit(EXIT_USAGE);
        return;
      }
      const reporter = terminalReporter();
      // Paths on the command line are relative to the current folder, whatever --root is.
      const fromCwd = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(String(p)));
      const result = await buildRepository({
        root: resolve(String(flags.root)),
        families: families.map(String),
        includeExamples: flags.examples === true,
        out: resolve(String(flags.out)),
        pretty: flags.pretty,
        signKey: fromCwd(flags.sign),
        bundle: fromCwd(flags.bundle),
        dhcpBaseUrl: flags.dhcpBaseUrl,
        dhcpHooks: flags.dhcpHookUrl === undefined ? undefined : { url: String(flags.dhcpHookUrl), command: flags.dhcpHookCommand, tokenFile: flags.dhcpHookTokenFile },
        pluginsDir: fromCwd(flags.pluginsDir),
        reporter,
      });
      reporter.done();
      for (const err of result.errors) printError(err);
      if (!result.ok) printError(buildError('PROVD_BUILD_FAILED', { problems: result.errors.length, out: flags.out }));
      if (flags.json) printJson({ ok: result.ok, out: flags.out, plugins: result.plugins, written: result.written, errors: result.errors.map((e) => e.toJSON()) });
      else if (result.ok && result.familiesFound === 0) {
        process.stdout.write('no plugin family found (no provd.family.ts at the root, under packages/ or examples/): nothing to build\n');
      } else if (result.ok) {
        process.stdout.write(`built ${result.plugins.length} plugin${result.plugins.length === 1 ? '' : 's'} of ${result.families.length} famil${result.families.length === 1 ? 'y' : 'ies'} into ${flags.out}\n`);
      }
      setExit(result.ok ? EXIT_OK : EXIT_USER_ERROR);
    });
}
