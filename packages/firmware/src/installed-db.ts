/**
 * The installed-package records of a plugin: one compact JSON file per package in `var/installed/<pkg id>`, in the
 * established shape (`id`, `description`, `description_<locale>`, `version`, `depends`, `explicit_install`, `files`),
 * written atomically. `files` lists every installed file and every folder the package created (with a trailing `/`),
 * relative to the plugin's `var/tftpboot/`.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { firmwareError } from './errors';
import { writeFileAtomic } from '@provd/sdk';
import { readTextIfExists } from './fs-ops';
import type { FirmwarePackage } from '@provd/sdk';

/** One installed package, as recorded on disk. */
export interface InstalledRecord {
  /** Package id. */
  id: string;
  /** English description. */
  description: string;
  /** Installed version. */
  version: string;
  /** Dependencies, as declared. */
  depends: string[];
  /** Always `true` (installed on request). */
  explicit_install: boolean;
  /** Installed files, and created folders with a trailing `/`, relative to `var/tftpboot/`. */
  files: string[];
  /** Localised descriptions and other keys of the package. */
  [key: string]: unknown;
}

/** Builds the record of `pkg` installed with `files`. */
export function recordFor(pkg: FirmwarePackage, files: string[]): InstalledRecord {
  const record: InstalledRecord = { id: pkg.id, description: pkg.description, version: pkg.version, depends: [...pkg.depends], explicit_install: true, files };
  for (const [locale, text] of Object.entries(pkg.descriptions)) record[`description_${locale}`] = text;
  for (const [k, v] of Object.entries(pkg.extra)) if (!(k in record)) record[k] = v;
  return record;
}

/**
 * What a record lacks of the keys the established installer requires to load it (`id`, `description`, `version`,
 * `files`, `explicit_install`), each as `key: what it must be`.
 */
function recordProblems(record: unknown): string[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return ['the record must be a JSON object'];
  const r = record as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['id', 'description', 'version'] as const) if (typeof r[key] !== 'string') problems.push(`${key}: must be a string`);
  if (!Array.isArray(r.files) || r.files.some((f) => typeof f !== 'string')) problems.push('files: must be a list of strings');
  if (typeof r.explicit_install !== 'boolean') problems.push('explicit_install: must be true or false');
  return problems;
}

/** Reads and writes the records of one plugin's `var/installed/` folder. */
export class InstalledStore {
  /** The folder of the records. */
  readonly dir: string;

  /** Works on `dir` (a plugin's `var/installed/`). */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** Reads every record (names starting with `.` are ignored), by package id. */
  async readAll(): Promise<Record<string, InstalledRecord>> {
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const out: Record<string, InstalledRecord> = {};
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const file = join(this.dir, name);
      let record: InstalledRecord;
      try {
        record = JSON.parse(await readFile(file, 'utf8')) as InstalledRecord;
      } catch (err) {
        throw firmwareError('PROVD_FETCHFW_INSTALLED_RECORD_INVALID', { file, reason: (err as Error).message }, { cause: err });
      }
      const missing = recordProblems(record);
      if (missing.length > 0) throw firmwareError('PROVD_FETCHFW_INSTALLED_RECORD_INVALID', { file, reason: missing.join('; ') });
      out[name] = { ...record, id: name };
    }
    return out;
  }

  /** Writes (replaces) the record of `record.id`, atomically. */
  async write(record: InstalledRecord): Promise<void> {
    await writeFileAtomic(join(this.dir, record.id), JSON.stringify(record));
  }

  /** The record file of `id` verbatim, or `null` when there is none. */
  async readRaw(id: string): Promise<string | null> {
    return (await readTextIfExists(join(this.dir, id))) ?? null;
  }

  /** Deletes the record of `id` (no error when absent). */
  async remove(id: string): Promise<void> {
    await rm(join(this.dir, id), { force: true });
  }
}
