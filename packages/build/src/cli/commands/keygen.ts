import type { CAC } from 'cac';
import { writeFile } from 'node:fs/promises';

import { writeFailed } from '../../build/write-failed';
import { generateSigningKeys } from '../../sign/sign-index';
import { EXIT_OK } from '../output';
import { buildError } from '../../errors';

/** Registers `keygen`. */
export function registerKeygen(cli: CAC, setExit: (code: number) => void): void {
  cli
    .command('keygen <prefix>', 'Make an Ed25519 key pair for signing plugins.db: <prefix>.pem (private) and <prefix>.pub.pem (public, for hosts)')
    .example('provd-build keygen keys/provd-repo')
    .action(async (prefix: string) => {
      const { privateKey, publicKey } = generateSigningKeys();
      for (const [file, text, mode] of [[`${prefix}.pem`, privateKey, 0o600], [`${prefix}.pub.pem`, publicKey, 0o644]] as const) {
        await writeFile(file, text, { flag: 'wx', mode }).catch((err: unknown) => {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw writeFailed(err, file);
          throw buildError('PROVD_BUILD_WRITE_FAILED', { file, reason: 'it already exists, and keygen never overwrites a key: choose another prefix' });
        });
      }
      process.stdout.write(`wrote ${prefix}.pem (keep it secret) and ${prefix}.pub.pem (give it to hosts)\n`);
      setExit(EXIT_OK);
    });
}
