import type { CAC } from 'cac';
import { resolve } from 'node:path';
import { startDevLoop } from '../../dev/dev-loop';
import { EXIT_OK, EXIT_USAGE, printError } from '../output';

/** The options of `provd-build dev`. */
interface DevFlags {
  root: string;
  pluginsDir?: string;
  apiUrl: string;
  reload?: boolean;
}

/** Waits for SIGINT or SIGTERM. */
function stopSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Registers `dev <family>`. */
export function registerDev(cli: CAC, setExit: (code: number) => void): void {
  cli
    .command('dev <family>', 'Rebuild a family on every save and reload its plugins into a running "provd serve"')
    .option('--plugins-dir <dir>', 'The plugins folder of the running host (its --plugins-dir)')
    .option('--api-url <url>', 'The API of the running host; the token comes from PROVD_API_TOKEN', { default: 'http://127.0.0.1:8666' })
    .option('--no-reload', 'Only rebuild into the plugins folder, do not ask the host to reload')
    .option('--root <dir>', 'The repository root (its own provd.family.ts, packages/*/ and examples/*/ are searched), or the folder of a family of its own', { default: '.' })
    .example('PROVD_API_TOKEN=dev provd-build dev digium --plugins-dir /var/lib/provd/plugins')
    .action(async (family: string, flags: DevFlags) => {
      if (!flags.pluginsDir) {
        process.stderr.write('provd: missing --plugins-dir DIR (the plugins folder of the running host); run "provd-build dev --help"\n');
        setExit(EXIT_USAGE);
        return;
      }
      const log = (line: string): void => void process.stderr.write(`provd-build dev: ${line}\n`);
      const loop = await startDevLoop({
        root: resolve(String(flags.root)),
        family: String(family),
        pluginsDir: resolve(String(flags.pluginsDir)),
        reload: flags.reload === false ? undefined : { apiUrl: String(flags.apiUrl), token: process.env.PROVD_API_TOKEN || undefined },
        log,
        onError: printError,
      });
      await loop.ready;
      log(`watching ${loop.dir} (Ctrl-C stops)`);
      await stopSignal();
      await loop.close();
      setExit(EXIT_OK);
    });
}
