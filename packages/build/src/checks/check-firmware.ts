import { type ProvdError } from '@provd/sdk';
import { formatDiagnostic, parsePkgsDb } from '@provd/firmware';
import type { LayeredFile } from '../layer/layer-sources';
import type { CheckSubject } from './check-plugin-info';
import { buildError } from '../errors';

/** Problems found in a plugin's firmware manifests. */
export interface FirmwareCheck {
  /** One `PROVD_BUILD_FIRMWARE_INVALID` listing every error, when there is one. */
  errors: ProvdError[];
  /** Problems that do not make a package uninstallable, one line each. */
  warnings: string[];
}

/**
 * Parses the plugin's firmware manifests (every file directly in `pkgs/`, merged in name order as a host reads them)
 * and checks them, dangling references between sections included. Diagnostics name the source files.
 *
 * @example
 * ```ts
 * const { errors, warnings } = await checkFirmwareManifests(tree.files, (f) => readFile(f), subject);
 * ```
 */
export async function checkFirmwareManifests(
  files: ReadonlyMap<string, LayeredFile>,
  read: (file: LayeredFile) => Promise<Uint8Array>,
  subject: CheckSubject,
): Promise<FirmwareCheck> {
  const manifests = [...files.values()].filter((f) => /^pkgs\/[^/]+$/.test(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  if (manifests.length === 0) return { errors: [], warnings: [] };
  const texts = await Promise.all(manifests.map(async (f) => ({ file: f.origin, text: Buffer.from(await read(f)).toString('utf8') })));
  const { diagnostics } = parsePkgsDb(texts);
  const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  const warnings = diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic);
  const file = manifests.length === 1 ? (manifests[0] as LayeredFile).origin : manifests.map((m) => m.origin).join(', ');
  return { errors: errors.length > 0 ? [buildError('PROVD_BUILD_FIRMWARE_INVALID', { ...subject, file, errors })] : [], warnings };
}
