/**
 * Reads the established `pkgs.db` format (contract §8.2-8.5) into a typed {@link FirmwareManifest}, with precise
 * diagnostics for every problem instead of exceptions.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseIni, type IniEntry } from './ini';
import type { FirmwareFile, FirmwareManifest, FirmwarePackage, InstallGraph, InstallStep, ManifestDiagnostic, ManifestReadResult } from '@provd/sdk';
import { isInstallCommand, validateManifest } from './manifest-validate';
import { unsafeFileName } from './paths';

const SHA1 = /^[0-9a-f]{40}$/i;
const SHA256 = /^[0-9a-f]{64}$/i;
const DOWNLOADERS = ['default', 'auth'];

interface MergedSection {
  name: string;
  file: string;
  line: number;
  entries: Map<string, IniEntry & { file: string }>;
}

function basenameOfUrl(url: string): string {
  try {
    const path = new URL(url).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    return url.slice(url.lastIndexOf('/') + 1);
  }
}

function readFileSection(section: MergedSection, diags: ManifestDiagnostic[]): FirmwareFile | undefined {
  const id = section.name.slice('file_'.length);
  const get = (k: string): (IniEntry & { file: string }) | undefined => section.entries.get(k);
  const at = (key?: string) => {
    const e = key ? get(key) : undefined;
    return { file: e?.file ?? section.file, line: e?.line ?? section.line, section: section.name, key };
  };
  let ok = true;
  for (const key of ['url', 'size', 'sha1sum']) {
    if (!get(key)) {
      diags.push({ severity: 'error', ...at(), key, message: `required key "${key}" is missing` });
      ok = false;
    }
  }
  const rawUrl = get('url')?.value.trim() ?? '';
  const sizeText = get('size')?.value.trim() ?? '';
  const size = /^\d+$/.test(sizeText) ? Number(sizeText) : NaN;
  if (get('size') && !Number.isSafeInteger(size)) {
    diags.push({ severity: 'error', ...at('size'), message: `${JSON.stringify(sizeText)} is not a size in bytes (a whole number)` });
    ok = false;
  }
  const sha1 = get('sha1sum')?.value.trim() ?? '';
  if (get('sha1sum') && !SHA1.test(sha1)) {
    const hint = /^[0-9a-f]{32}$/i.test(sha1) ? ' (32 hex digits: this looks like an MD5 digest)' : '';
    diags.push({ severity: 'error', ...at('sha1sum'), message: `${JSON.stringify(sha1)} is not a SHA-1 digest: expected 40 hex digits, got ${sha1.length}${hint}; the file could never be verified: put the file's real SHA-1 (sha1sum <file>)` });
    ok = false;
  }
  const sha256 = get('sha256sum')?.value.trim();
  if (sha256 !== undefined && !SHA256.test(sha256)) {
    diags.push({ severity: 'error', ...at('sha256sum'), message: `${JSON.stringify(sha256)} is not a SHA-256 digest: expected 64 hex digits, got ${sha256.length}` });
    ok = false;
  }
  const downloader = get('downloader')?.value.trim() || 'default';
  if (!DOWNLOADERS.includes(downloader)) {
    diags.push({ severity: 'error', ...at('downloader'), message: `unknown downloader ${JSON.stringify(downloader)}; use "default" or "auth"` });
    ok = false;
  }
  const explicitName = get('filename')?.value.trim();
  const filename = explicitName || (rawUrl ? basenameOfUrl(rawUrl) : '');
  if (filename === '') {
    diags.push({ severity: 'error', ...at('filename'), message: 'the file has neither a "url" nor a "filename"; give the cache name with "filename"' });
    ok = false;
  } else {
    const why = unsafeFileName(filename);
    if (why) {
      diags.push({ severity: 'error', ...at(explicitName ? 'filename' : 'url'), message: `cache name ${JSON.stringify(filename)} is unsafe: ${why}` });
      ok = false;
    }
  }
  let url: string | undefined;
  if (rawUrl === '') {
    diags.push({ severity: 'warning', ...at('url'), message: `no public URL: the file must be placed by hand at "var/cache/${filename}" (${sizeText} bytes, SHA-1 ${sha1})` });
  } else if (!/^https?:\/\//i.test(rawUrl)) {
    diags.push({ severity: 'warning', ...at('url'), message: `${JSON.stringify(rawUrl)} is not an http(s) URL, which provd does not download: fetch it yourself and place it at "var/cache/${filename}"` });
    url = rawUrl;
  } else url = rawUrl;
  for (const key of section.entries.keys()) {
    if (!['url', 'size', 'sha1sum', 'sha256sum', 'filename', 'downloader'].includes(key)) {
      diags.push({ severity: 'warning', ...at(key), message: `unknown key "${key}" is ignored (known: url, size, sha1sum, sha256sum, filename, downloader)` });
    }
  }
  if (!ok) return { id, url, size: Number.isSafeInteger(size) ? size : 0, sha1: sha1.toLowerCase(), filename: filename || id, downloader, source: { file: section.file, line: section.line } };
  const file: FirmwareFile = { id, size, sha1: sha1.toLowerCase(), filename, downloader, source: { file: section.file, line: section.line } };
  if (url !== undefined) file.url = url;
  if (sha256 !== undefined) file.sha256 = sha256.toLowerCase();
  return file;
}

function readPkgSection(section: MergedSection, diags: ManifestDiagnostic[]): FirmwarePackage {
  const id = section.name.slice('pkg_'.length);
  const at = (key?: string) => {
    const e = key ? section.entries.get(key) : undefined;
    return { file: e?.file ?? section.file, line: e?.line ?? section.line, section: section.name, key };
  };
  const pkg: FirmwarePackage = { id, description: '', descriptions: {}, version: '', files: [], depends: [], extra: {}, source: { file: section.file, line: section.line } };
  for (const key of ['description', 'version']) {
    if (!section.entries.has(key)) diags.push({ severity: 'error', ...at(), key, message: `required key "${key}" is missing` });
  }
  for (const [key, e] of section.entries) {
    const value = e.value.trim();
    if (key === 'description') pkg.description = value;
    else if (key.startsWith('description_')) pkg.descriptions[key.slice('description_'.length)] = value;
    else if (key === 'version') pkg.version = value;
    else if (key === 'files') pkg.files = value.split(/\s+/).filter(Boolean);
    else if (key === 'depends') pkg.depends = value.split(/\s+/).filter(Boolean);
    else if (key === 'install') {
      const [graph, ...args] = value.split(/\s+/).filter(Boolean);
      if (graph) pkg.install = { graph, args };
    } else if (key === 'id') diags.push({ severity: 'error', ...at('id'), message: 'key "id" is reserved (the id is the section name); remove it' });
    else pkg.extra[key] = value;
  }
  return pkg;
}

function readInstallSection(section: MergedSection, diags: ManifestDiagnostic[]): InstallGraph {
  const id = section.name.slice('install_'.length);
  const steps: InstallStep[] = [];
  for (const [key, e] of section.entries) {
    const at = { file: e.file, line: e.line, section: section.name, key };
    const parts = key.split('-');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      diags.push({ severity: 'error', ...at, message: `step name ${JSON.stringify(key)} must be "<input>-<output>" with exactly one "-" (e.g. "a-b")` });
      continue;
    }
    const [command, ...args] = e.value.split(/\s+/).filter(Boolean);
    if (command === undefined) {
      diags.push({ severity: 'error', ...at, message: 'the step has no command; write e.g. "untar $FILE1"' });
      continue;
    }
    if (!isInstallCommand(command)) {
      diags.push({ severity: 'error', ...at, message: `unknown install command ${JSON.stringify(command)}; use one of untar, unzip, unrar, 7z, unsign, include, exclude, cp, null` });
      // Kept as a no-op node so that the graph checks do not report its dependents too; the error above already
      // makes the package uninstallable.
      steps.push({ from: parts[0], to: parts[1], command: 'null', args: [], source: { file: e.file, line: e.line } });
      continue;
    }
    steps.push({ from: parts[0], to: parts[1], command, args, source: { file: e.file, line: e.line } });
  }
  return { id, steps, source: { file: section.file, line: section.line } };
}

/** One manifest text and the name to report it under. */
export interface PkgsDbText {
  /** The name used in diagnostics, e.g. `pkgs/pkgs.db`. */
  file: string;
  /** The INI text. */
  text: string;
}

/**
 * Reads one or more `pkgs.db` texts (merged in order: a later file's key overrides an earlier one's) into a typed
 * manifest plus diagnostics. Never throws.
 *
 * @example
 * ```ts
 * const { manifest, diagnostics } = parsePkgsDb([{ file: 'pkgs/pkgs.db', text }]);
 * ```
 */
export function parsePkgsDb(texts: readonly PkgsDbText[]): ManifestReadResult {
  const diagnostics: ManifestDiagnostic[] = [];
  const merged = new Map<string, MergedSection>();
  for (const { file, text } of texts) {
    const doc = parseIni(text);
    for (const p of doc.problems) diagnostics.push({ severity: 'error', file, ...p });
    for (const s of doc.sections) {
      if (!/^(pkg|file|install)_./.test(s.name)) {
        diagnostics.push({ severity: 'error', file, line: s.line, section: s.name, message: `invalid section name "[${s.name}]": sections are "[pkg_<id>]", "[file_<id>]" or "[install_<id>]"` });
        continue;
      }
      const target = merged.get(s.name) ?? { name: s.name, file, line: s.line, entries: new Map() };
      for (const e of s.entries) target.entries.set(e.key, { ...e, file });
      merged.set(s.name, target);
    }
  }
  const manifest: FirmwareManifest = { packages: {}, files: {}, graphs: {} };
  for (const section of merged.values()) {
    if (section.name.startsWith('file_')) {
      const f = readFileSection(section, diagnostics);
      if (f) manifest.files[f.id] = f;
    } else if (section.name.startsWith('pkg_')) {
      const p = readPkgSection(section, diagnostics);
      manifest.packages[p.id] = p;
    } else {
      const g = readInstallSection(section, diagnostics);
      manifest.graphs[g.id] = g;
    }
  }
  diagnostics.push(...validateManifest(manifest));
  return { manifest, diagnostics: sortDiagnostics(diagnostics) };
}

/** Sorts diagnostics errors first, then by file and line. */
export function sortDiagnostics(diags: ManifestDiagnostic[]): ManifestDiagnostic[] {
  return diags
    .map((d, i) => ({ d, i }))
    .sort((x, y) => (x.d.severity === y.d.severity ? 0 : x.d.severity === 'error' ? -1 : 1) || x.d.file.localeCompare(y.d.file) || (x.d.line ?? 0) - (y.d.line ?? 0) || x.i - y.i)
    .map(({ d }) => d);
}

/**
 * Reads every manifest file of a plugin's `pkgs/` folder (names not starting with `.`, in name order) and merges them.
 * Returns `undefined` when the folder does not exist.
 *
 * @example
 * ```ts
 * const result = await readPkgsDir(join(pluginDir, 'pkgs'));
 * ```
 */
export async function readPkgsDir(dir: string, label = 'pkgs'): Promise<ManifestReadResult | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const texts = await Promise.all(names.map(async (name) => ({ file: `${label}/${name}`, text: await readFile(join(dir, name), 'utf8') })));
  return parsePkgsDb(texts);
}
