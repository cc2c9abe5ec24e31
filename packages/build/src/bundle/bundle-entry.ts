import { build, type Message } from 'esbuild';
import { isAbsolute, join } from 'node:path';
import { esbuildReason } from '../family/load-family';

/** The packages left external in a plugin bundle: the host provides its own single copy. */
export const EXTERNAL_PACKAGES: readonly string[] = ['@provd/sdk', '@provd/sdk/*'];

/** The result of bundling a plugin entry. */
export type BundleResult =
  | { ok: true; code: Uint8Array; hasDefaultExport: boolean }
  | { ok: false; file: string; line?: number; reason: string };

/**
 * Bundles a plugin's `entry.ts` into one ESM file with esbuild, `@provd/sdk` left as a bare import. Paths in the
 * output are relative to `baseDir` (the family folder), so the bytes do not depend on where the sources are.
 *
 * @example
 * ```ts
 * const result = await bundleEntry('/repo/packages/plugin-digium/v2_8_1/entry.ts', '/repo/packages/plugin-digium');
 * ```
 */
export async function bundleEntry(entry: string, baseDir: string, display: (abs: string) => string): Promise<BundleResult> {
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: baseDir,
      outfile: 'entry.js',
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      charset: 'utf8',
      legalComments: 'inline',
      external: [...EXTERNAL_PACKAGES],
      logLevel: 'silent',
    });
    const out = result.outputFiles.find((f) => f.path.endsWith('entry.js'));
    const meta = Object.entries(result.metafile.outputs).find(([name]) => name.endsWith('entry.js'))?.[1];
    return { ok: true, code: out?.contents ?? new Uint8Array(), hasDefaultExport: meta?.exports.includes('default') ?? false };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    const at = errors ? esbuildReason(errors) : { reason: String(err) };
    const file = at.file !== undefined ? display(isAbsolute(at.file) ? at.file : join(baseDir, at.file)) : display(entry);
    return { ok: false, file, line: at.line, reason: at.reason };
  }
}
