/**
 * `provd import <folder> [--data-dir DIR] [--store sqlite|postgres] [--store-url URL] [--tenant UUID] [--json]`:
 * copies the devices and configs of an old data folder (this host's JSON documents, or an established provd's
 * `jsondb/`) into the store, reporting every document it could not take and why.
 */
import { hostError } from '../../errors';
import { importDataFolder } from '../../store/import-data';
import { openStore } from '../../store/open-store';
import type { CliCommand } from '../command';
import { writeJson } from '../command';
import { createProgress } from '../progress';
import { STORE_FLAG_HELP, storeLocation, type StoreFlags } from '../store-options';

interface ImportFlags extends StoreFlags {
  dataDir?: string;
  tenant?: string;
  json?: boolean;
}

/** The `provd import` command. */
export const importCommand: CliCommand = {
  register(cli, io) {
    const command = cli
      .command('import <folder>', "Import the devices and configs of an old data folder (this host's JSON files, or an established provd's jsondb/)")
      .option('--data-dir <dir>', 'Data folder of the host to import into (default: <folder> itself)');
    for (const [flag, help] of STORE_FLAG_HELP) command.option(flag, help);
    command
      .option('--tenant <uuid>', 'Tenant given to documents that have none')
      .option('--json', 'Print the report as one JSON document')
      .action(async (folder: string, flags: ImportFlags) => {
        if (!folder) throw hostError('PROVD_CLI_USAGE', { problem: 'missing the folder to import' });
        const dataDir = flags.dataDir ?? folder;
        const store = await openStore(storeLocation(flags, dataDir), { dataDir });
        const progress = createProgress(io, 'reading');
        try {
          const report = await importDataFolder({ from: folder, store, dataDir, defaultTenant: flags.tenant, onProgress: (n) => progress.update(n, n) });
          progress.done();
          if (flags.json) {
            writeJson(io, report);
            return;
          }
          io.stdout.write(`imported ${report.devices} device(s) and ${report.configs} config(s) from ${folder} (${report.format})\n`);
          for (const s of report.skipped) io.stdout.write(`not imported: ${s.file}: ${s.reason}\n`);
          for (const n of report.notes) io.stdout.write(`note: ${n.file}: ${n.reason}\n`);
          for (const r of report.renamed) io.stdout.write(`moved the old folder to ${r}\n`);
          if (report.devices > 0) io.stdout.write('the devices are configured in the background at the next start of provd serve\n');
        } finally {
          progress.done();
          await store.close();
        }
      });
  },
};
