/**
 * The runtime part of the manifest model: the install verbs and the one-line form of a diagnostic. The types
 * themselves are the SDK's (`FirmwareManifest`, `ManifestDiagnostic`, ...), since plugins declare packages with them.
 */
import type { InstallCommand, ManifestDiagnostic } from '@provd/sdk';

/** The install verbs the established installer understands (survey §4.1). */
export const INSTALL_COMMANDS: readonly InstallCommand[] = ['untar', 'unzip', 'unrar', '7z', 'unsign', 'include', 'exclude', 'cp', 'null'];

/**
 * Formats a diagnostic as one `path: message` line, e.g. `pkgs/pkgs.db:116 [file_x] sha1sum: ...`.
 *
 * @example
 * ```ts
 * result.diagnostics.map(formatDiagnostic).forEach((line) => console.error(line));
 * ```
 */
export function formatDiagnostic(d: ManifestDiagnostic): string {
  const where = `${d.file}${d.line !== undefined ? `:${d.line}` : ''}${d.section !== undefined ? ` [${d.section}]` : ''}${d.key !== undefined ? ` ${d.key}` : ''}`;
  return `${where}: ${d.message}`;
}
