import type { CAC } from 'cac';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type ProvdError } from '@provd/sdk';
import { reindexRepository } from '../../build/reindex-repository';
import { tempNameIn } from '../../fs/temp-name';
import { TARBALL_SUFFIX } from '../../repo/index-folder';
import { readSigningKey } from '../../sign/sign-index';
import { readPluginTarball } from '../../tarball/read-plugin-tarball';
import { EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, printError, terminalReporter } from '../output';
import { buildError } from '../../errors';

/** Registers `promote <tarballs...> --to <dir>`. */
export function registerPromote(cli: CAC, setExit: (code: number) => void): void {
  cli
    .command('promote <...tarballs>', 'Copy built plugin tarballs into a channel folder (e.g. from testing to stable) and re-index it')
    .option('--to <dir>', 'The channel folder to copy into (required)')
    .option('--pretty', 'Indent plugins.db')
    .option('--sign <keyfile>', 'Sign plugins.db with this PEM Ed25519 private key (writes plugins.db.sig)')
    .example('provd-build promote dist/repo/digium-2.8.1-1.2.0.tar.gz --to dist/channels/stable')
    .action(async (tarballs: string[], flags: { to?: string; pretty?: boolean; sign?: string }) => {
      if (flags.to === undefined || typeof flags.to !== 'string') {
        process.stderr.write('provd: promote needs --to <dir>, the channel folder; run "provd-build promote --help"\n');
        setExit(EXIT_USAGE);
        return;
      }
      const to = flags.to;
      const errors: ProvdError[] = [];
      for (const file of tarballs) {
        if (!file.endsWith(TARBALL_SUFFIX)) errors.push(buildError('PROVD_BUILD_TARBALL_INVALID', { file, reason: `its name does not end with "${TARBALL_SUFFIX}"` }));
        else {
          await readPluginTarball(file).catch((err: Error) =>
            errors.push(buildError('PROVD_BUILD_TARBALL_INVALID', { file, reason: err.message }, { cause: err })),
          );
        }
      }
      if (errors.length > 0) {
        errors.forEach(printError);
        setExit(EXIT_USER_ERROR);
        return;
      }
      if (flags.sign !== undefined) await readSigningKey(flags.sign);
      await mkdir(to, { recursive: true });
      for (const file of tarballs) {
        const temp = tempNameIn(to, 'promote');
        try {
          await copyFile(file, temp);
          await rename(temp, join(to, basename(file)));
        } catch (err) {
          await rm(temp, { force: true });
          throw buildError('PROVD_BUILD_WRITE_FAILED', { file: join(to, basename(file)), reason: (err as Error).message }, { cause: err });
        }
      }
      const reporter = terminalReporter();
      const result = await reindexRepository({ dir: to, pretty: flags.pretty, signKey: flags.sign, reporter });
      reporter.done();
      result.errors.forEach(printError);
      if (result.ok) process.stdout.write(`promoted ${tarballs.length} tarball${tarballs.length === 1 ? '' : 's'} to ${to}; indexed ${result.plugins.length} plugin${result.plugins.length === 1 ? '' : 's'}\n`);
      setExit(result.ok ? EXIT_OK : EXIT_USER_ERROR);
    });
}
