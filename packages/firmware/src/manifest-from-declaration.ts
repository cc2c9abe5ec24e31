/**
 * Turns a plugin's TypeScript package declaration (the SDK's `definePackages`) into a manifest, checked like a
 * `pkgs.db`.
 */
import type { FileDeclaration, FirmwareFile, FirmwareManifest, FirmwarePackage, InstallGraph, InstallStepDeclaration, ManifestReadResult, PackagesDeclaration } from '@provd/sdk';
import { validateManifest } from './manifest-validate';
import { unsafeFileName } from './paths';
import { sortDiagnostics } from './pkgs-db';

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
    const pkg: FirmwarePackage = { id, description: p.description, descriptions: { ...p.descriptions }, version: p.version, files: [...p.files], depends: [...(p.depends ?? [])], extra: {}, source };
    if (p.install !== undefined) {
      const [graph, ...args] = typeof p.install === 'string' ? [p.install] : p.install;
      pkg.install = { graph, args };
    }
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
