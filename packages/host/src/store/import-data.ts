import { opendir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { hostError } from '../errors';
import { readConfigInput } from '../app/config-input';
import { readDeviceInput } from '../app/device-input';
import { RECORD_ID } from './records';
import type { ConfigRecord, DeviceRecord, DocumentWrite, Store } from './store';

/** The formats {@link importDataFolder} reads. */
export type DataFolderFormat =
  /** This host's earlier format: `devices/<id>.json` and `configs/<id>.json`. */
  | 'json-documents'
  /** An established provd's `jsondb/devices/<id>` and `jsondb/configs/<id>` (contract §1). */
  | 'established';

/** The folders holding documents in each format, relative to the data folder. */
const LAYOUT: Record<DataFolderFormat, { devices: string; configs: string; suffix: string }> = {
  'json-documents': { devices: 'devices', configs: 'configs', suffix: '.json' },
  established: { devices: join('jsondb', 'devices'), configs: join('jsondb', 'configs'), suffix: '' },
};

const isDir = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isDirectory() ?? false;

/** Whether `dir` holds at least one entry whose name passes `accept` (reads one directory entry at a time). */
async function hasEntry(dir: string, accept: (name: string) => boolean): Promise<boolean> {
  if (!(await isDir(dir))) return false;
  const handle = await opendir(dir);
  try {
    for await (const entry of handle) if (accept(entry.name)) return true;
  } finally {
    await handle.close().catch(() => {});
  }
  return false;
}

/**
 * The old format `dataDir` holds documents in, if any (without reading them): `json-documents` when `devices/` or
 * `configs/` holds a `.json` file, `established` when `jsondb/` exists.
 */
export async function detectOldFormat(dataDir: string): Promise<DataFolderFormat | undefined> {
  if (await isDir(join(dataDir, 'jsondb'))) return 'established';
  const json = (name: string) => name.endsWith('.json') && !name.startsWith('.');
  if ((await hasEntry(join(dataDir, 'devices'), json)) || (await hasEntry(join(dataDir, 'configs'), json))) return 'json-documents';
  return undefined;
}

/** Throws `PROVD_HOST_OLD_DATA_FORMAT` (naming `provd import`) when `dataDir` holds documents in an old format. */
export async function refuseOldFormat(dataDir: string): Promise<void> {
  const format = await detectOldFormat(dataDir);
  if (format === undefined) return;
  throw hostError('PROVD_HOST_OLD_DATA_FORMAT', {
    dir: dataDir,
    format: format === 'established' ? "an established provd's jsondb/ documents" : 'devices and configs as one JSON file each',
  });
}

/** One document {@link importDataFolder} did not take. */
export interface ImportProblem {
  /** The file. */
  file: string;
  /** Why. */
  reason: string;
}

/** What {@link importDataFolder} did. */
export interface ImportReport {
  /** The format read. */
  format: DataFolderFormat;
  /** Devices imported. */
  devices: number;
  /** Configs imported. */
  configs: number;
  /** Documents not imported, and why. */
  skipped: ImportProblem[];
  /** Imported documents kept with a remark (e.g. a device naming a config that does not exist). */
  notes: ImportProblem[];
  /** The old folders renamed out of the way (when the source is the host's own data folder). */
  renamed: string[];
}

/** Options of {@link importDataFolder}. */
export interface ImportOptions {
  /** The folder to read (this host's old data folder, or an established provd's base storage folder). */
  from: string;
  /** The store to write into. */
  store: Store;
  /** The host's data folder: when it is `from`, the old folders are renamed `<name>.imported` after the import. */
  dataDir?: string;
  /** The tenant given to documents that have none (the established host requires one on devices). */
  defaultTenant?: string;
  /** Called with the number of files read so far (for progress). */
  onProgress?: (read: number) => void;
}

/** Reads every document file of `dir` as `{file, id, doc}`, or a problem. */
async function readDocuments(dir: string, suffix: string, problems: ImportProblem[], onRead: () => void): Promise<{ file: string; id: string; doc: Record<string, unknown> }[]> {
  if (!(await isDir(dir))) return [];
  const out: { file: string; id: string; doc: Record<string, unknown> }[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith('.')) continue;
    if (suffix !== '' && !name.endsWith(suffix)) continue;
    const file = join(dir, name);
    const id = suffix === '' ? name : name.slice(0, -suffix.length);
    onRead();
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      problems.push({ file, reason: `not readable JSON: ${(err as Error).message}` });
      continue;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      problems.push({ file, reason: 'not a JSON object' });
      continue;
    }
    const record = doc as Record<string, unknown>;
    if (record.id !== undefined && record.id !== id) {
      problems.push({ file, reason: `its "id" ${JSON.stringify(record.id)} is not its file name "${id}"` });
      continue;
    }
    if (!RECORD_ID.test(id)) {
      problems.push({ file, reason: `"${id}" is not a valid id (1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit)` });
      continue;
    }
    out.push({ file, id, doc: { ...record, id } });
  }
  return out;
}

/**
 * Imports the devices and configs of an old data folder into `store` in one transaction: each document is checked as
 * the API checks it (configs whose parents are missing, devices with an invalid MAC or IP, a MAC another device
 * already has, ids already in the store are reported and left out). Imported devices start unconfigured, with a
 * background job recorded that configures every device at the next start of the host.
 */
export async function importDataFolder(options: ImportOptions): Promise<ImportReport> {
  const from = resolve(options.from);
  const format: DataFolderFormat | undefined = (await isDir(join(from, 'jsondb')))
    ? 'established'
    : (await isDir(join(from, 'devices'))) || (await isDir(join(from, 'configs')))
      ? 'json-documents'
      : undefined;
  if (format === undefined) throw hostError('PROVD_HOST_IMPORT_UNREADABLE', { dir: options.from, reason: 'it holds neither devices/ and configs/ nor jsondb/' });
  const layout = LAYOUT[format];
  const skipped: ImportProblem[] = [];
  const notes: ImportProblem[] = [];
  let read = 0;
  const onRead = () => {
    read += 1;
    if (read % 1000 === 0) options.onProgress?.(read);
  };
  const { store } = options;
  const tenant = (doc: Record<string, unknown>) => (doc.tenant_uuid === undefined && options.defaultTenant !== undefined ? { tenant_uuid: options.defaultTenant } : {});

  // Configs: take those whose parents exist (in the store or among those taken), until nothing more can be taken.
  const configFiles = await readDocuments(join(from, layout.configs), layout.suffix, skipped, onRead);
  const taken = new Map<string, ConfigRecord>();
  let pending: typeof configFiles = [];
  for (const c of configFiles) {
    if ((await store.revision('configs', c.id)) !== 0) skipped.push({ file: c.file, reason: `config "${c.id}" is already in the store` });
    else pending.push(c);
  }
  const lookup = async (id: string) => taken.get(id) ?? (await store.configs.get(id));
  for (let progress = true; progress && pending.length > 0; ) {
    progress = false;
    const next: typeof configFiles = [];
    for (const c of pending) {
      const parents = Array.isArray(c.doc.parent_ids) ? c.doc.parent_ids : [];
      const known = new Map<string, ConfigRecord | undefined>();
      for (const p of parents) if (typeof p === 'string') known.set(p, await lookup(p));
      if ([...known.values()].some((v) => v === undefined)) {
        next.push(c);
        continue;
      }
      const result = readConfigInput(c.doc, (id) => known.get(id) as never);
      if ('errors' in result) {
        skipped.push({ file: c.file, reason: result.errors.join('; ') });
        continue;
      }
      taken.set(c.id, { ...(result.config as ConfigRecord), ...tenant(c.doc), id: c.id });
      progress = true;
    }
    pending = next;
  }
  for (const c of pending) {
    const missing = (c.doc.parent_ids as unknown[]).filter((p) => typeof p === 'string' && !taken.has(p));
    skipped.push({ file: c.file, reason: `its parent config(s) ${missing.map((m) => `"${String(m)}"`).join(', ')} are neither in the store nor importable` });
  }

  // Devices.
  const deviceFiles = await readDocuments(join(from, layout.devices), layout.suffix, skipped, onRead);
  const devices: DeviceRecord[] = [];
  const macs = new Map<string, string>();
  for (const d of deviceFiles) {
    if ((await store.revision('devices', d.id)) !== 0) {
      skipped.push({ file: d.file, reason: `device "${d.id}" is already in the store` });
      continue;
    }
    const result = readDeviceInput(d.doc);
    if ('errors' in result) {
      skipped.push({ file: d.file, reason: result.errors.join('; ') });
      continue;
    }
    const device = { ...result.device, ...tenant(d.doc), id: d.id, configured: false } as DeviceRecord;
    if (device.mac) {
      const owner = macs.get(device.mac) ?? (await store.devices.findOne({ mac: device.mac }))?.id;
      if (owner !== undefined) {
        skipped.push({ file: d.file, reason: `MAC ${device.mac} is already device "${owner}"'s` });
        continue;
      }
      macs.set(device.mac, d.id);
    }
    if (device.config !== undefined && !taken.has(device.config) && !(await store.configs.get(device.config))) {
      notes.push({ file: d.file, reason: `config "${device.config}" does not exist: the device is imported, and stays unconfigured until it gets one` });
    }
    devices.push(device);
  }

  const writes: DocumentWrite[] = [
    ...[...taken.values()].map((doc) => ({ op: 'put' as const, kind: 'configs' as const, doc, expect: 'absent' as const })),
    ...devices.map((doc) => ({ op: 'put' as const, kind: 'devices' as const, doc, expect: 'absent' as const })),
  ];
  if (writes.length > 0) {
    await store.commit({
      writes,
      jobs: devices.length > 0 ? [{ reason: `${devices.length} device(s) imported`, selector: {} }] : [],
    });
  }
  const renamed: string[] = [];
  if (options.dataDir !== undefined && resolve(options.dataDir) === from) {
    for (const folder of format === 'established' ? ['jsondb'] : ['devices', 'configs']) {
      const path = join(from, folder);
      if (!(await isDir(path))) continue;
      let target = `${path}.imported`;
      for (let i = 2; await isDir(target); i++) target = `${path}.imported-${i}`;
      await rename(path, target);
      renamed.push(target);
    }
  }
  return { format, devices: devices.length, configs: taken.size, skipped, notes, renamed };
}
