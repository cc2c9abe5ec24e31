import type { CAC } from 'cac';
import { writeFailed } from '../../build/write-failed';
import { writeOfflineBundle } from '../../offline/offline-bundle';
import { EXIT_OK, printJson } from '../output';

/** Registers `bundle <dir>`. */
export function registerBundle(cli: CAC, setExit: (code: number) => void): void {
  cli
    .command('bundle <dir>', 'Write an offline bundle (.zip: plugins.db, tarballs, DHCP files, SHA256SUMS) of a repository folder')
    .option('--out <zipfile>', 'The zip file to write (default: <dir>.zip)')
    .option('--json', 'Print the list of bundled files as JSON')
    .example('provd-build bundle dist/repo --out provd-plugins.zip')
    .action(async (dir: string, flags: { out?: string; json?: boolean }) => {
      const out = flags.out ?? `${dir.replace(/\/+$/, '')}.zip`;
      const files = await writeOfflineBundle(dir, out).catch((err: unknown) => {
        throw writeFailed(err, out);
      });
      if (flags.json) printJson({ out, files });
      else process.stdout.write(`wrote ${out} (${files.length} files)\n`);
      setExit(EXIT_OK);
    });
}
