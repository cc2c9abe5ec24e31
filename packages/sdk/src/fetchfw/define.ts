/**
 * The typed TypeScript way to declare firmware packages in a plugin, equivalent to a `pkgs.db`: file and graph ids are
 * checked by the compiler, and each install verb takes exactly its arguments.
 */
import type { FirmwareFile, FirmwareManifest, FirmwarePackage, InstallGraph, ManifestReadResult } from './manifest-types';
import { validateManifest } from './manifest-validate';
import { unsafeFileName } from './paths';
import { sortDiagnostics } from './pkgs-db';

/** One install step's verb and arguments, typed by verb (the arity of the established installer). */
export type InstallStepDeclaration =
  | readonly ['untar', string]
  | readonly ['unzip', string]
  | readonly ['unrar', string]
  | readonly ['7z', string]
  | readonly ['unsign', string, string]
  | readonly ['include', string, ...string[]]
  | readonly ['exclude', string, ...string[]]
  | readonly ['cp', string, string, ...string[]]
  | readonly ['null'];

/** A remote file, as declared in TypeScript. */
export interface FileDeclaration {
  /** Download URL; leave it out when the file must be placed in `var/cache/` by hand. */
  url?: string;
  /** Exact size in bytes. */
  size: number;
  /** SHA-1, 40 hex digits. */
  sha1: string;
  /** SHA-256, 64 hex digits (recommended). */
  sha256?: string;
  /** Cache file name; defaults to the last segment of the URL. */
  filename?: string;
  /** `auth` to download with the plugin's credentials. */
  downloader?: 'default' | 'auth';
}

/** A package, as declared in TypeScript. */
export interface PackageDeclaration<F extends string, G extends string> {
  /** English description. */
  description: string;
  /** Localised descriptions by locale, e.g. `{ fr: '...' }`. */
  descriptions?: Record<string, string>;
  /** Version, e.g. `2.8.1`. */
  version: string;
  /** The files it needs, in `$FILE1..n` order. */
  files: readonly F[];
  /** The install graph, or `[graph, ...$ARGn values]`. */
  install: G | readonly [G, ...string[]];
  /** Packages it depends on. */
  depends?: readonly string[];
}

/** A whole package declaration: files, install graphs (steps keyed `"<input>-<output>"`) and packages. */
export interface PackagesDeclaration<F extends string, G extends string> {
  /** Remote files by id. */
  files: Record<F, FileDeclaration>;
  /** Install graphs by id. */
  installs: Record<G, Record<`${string}-${string}`, InstallStepDeclaration>>;
  /** Packages by id. */
  packages: Record<string, PackageDeclaration<NoInfer<F>, NoInfer<G>>>;
}

/**
 * Declares firmware packages in TypeScript. Returns the declaration unchanged, typed so that a package can only name
 * declared files and graphs; {@link manifestFromDeclaration} turns it into a manifest.
 *
 * @example
 * ```ts
 * export const packages = definePackages({
 *   files: { firmware: { url: 'https://example.com/fw.tar.gz', size: 237648354, sha1: '4ff1c6b7278c8408eacbf7c3ccf03349343c396b' } },
 *   installs: { 'digium-fw': { 'a-b': ['untar', '$FILE1'], 'b-c': ['cp', '*\/*.eff', 'Digium/firmware/'] } },
 *   packages: { firmware: { description: 'Firmware for all Digium phones', version: '2.8.1', files: ['firmware'], install: 'digium-fw' } },
 * });
 * ```
 */
export function definePackages<const F extends string, const G extends string>(declaration: PackagesDeclaration<F, G>): PackagesDeclaration<F, G> {
  return declaration;
}

/**
 * Turns a TypeScript declaration into a {@link FirmwareManifest} and checks it like a `pkgs.db`. Never throws.
 *
 * @example
 * ```ts
 * const { manifest, diagnostics } = manifestFromDeclaration(packages, 'entry.ts');
 * ```
 */
export function manifestFromDeclaration<F extends string, G extends string>(declaration: PackagesDeclaration<F, G>, label = 'packages'): ManifestReadResult {
  const manifest: FirmwareManifest = { packages: {}, files: {}, graphs: {} };
  const source = { file: label };
  for (const [id, f] of Object.entries<FileDeclaration>(declaration.files)) {
    const url = f.url?.trim() ? f.url : undefined;
    const path = url ? new URL(url).pathname : '';
    const file: FirmwareFile = { id, size: f.size, sha1: f.sha1.toLowerCase(), filename: f.filename ?? decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)), downloader: f.downloader ?? 'default', source };
    if (url !== undefined) file.url = url;
    if (f.sha256 !== undefined) file.sha256 = f.sha256.toLowerCase();
    manifest.files[id] = file;
  }
  for (const [id, steps] of Object.entries<Record<string, InstallStepDeclaration>>(declaration.installs)) {
    const graph: InstallGraph = { id, steps: [], source };
    for (const [key, [command, ...args]] of Object.entries(steps)) {
      const dash = key.indexOf('-');
      graph.steps.push({ from: key.slice(0, dash), to: key.slice(dash + 1), command, args, source });
    }
    manifest.graphs[id] = graph;
  }
  for (const [id, p] of Object.entries(declaration.packages)) {
    const [graph, ...args] = typeof p.install === 'string' ? [p.install] : p.install;
    const pkg: FirmwarePackage = { id, description: p.description, descriptions: { ...p.descriptions }, version: p.version, files: [...p.files], install: { graph, args }, depends: [...(p.depends ?? [])], extra: {}, source };
    manifest.packages[id] = pkg;
  }
  const diagnostics = validateManifest(manifest);
  for (const file of Object.values(manifest.files)) {
    const at = { file: label, section: `file_${file.id}` };
    if (!/^[0-9a-f]{40}$/.test(file.sha1)) diagnostics.push({ severity: 'error', ...at, key: 'sha1', message: `${JSON.stringify(file.sha1)} is not a SHA-1 digest (40 hex digits)` });
    if (file.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(file.sha256)) diagnostics.push({ severity: 'error', ...at, key: 'sha256', message: `${JSON.stringify(file.sha256)} is not a SHA-256 digest (64 hex digits)` });
    if (!Number.isSafeInteger(file.size) || file.size < 0) diagnostics.push({ severity: 'error', ...at, key: 'size', message: `${file.size} is not a size in bytes` });
    const unsafe = unsafeFileName(file.filename);
    if (unsafe) diagnostics.push({ severity: 'error', ...at, key: 'filename', message: `cache name ${JSON.stringify(file.filename)} is unsafe: ${unsafe}; give a plain "filename"` });
  }
  return { manifest, diagnostics: sortDiagnostics(diagnostics) };
}
