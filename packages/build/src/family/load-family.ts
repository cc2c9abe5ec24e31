import { build, type Message, type Plugin } from 'esbuild';
import { dirname, isAbsolute, join } from 'node:path';
import { buildError } from '../errors';
import { capabilitiesOf } from './capabilities-of';
import { defineFamily } from './define-family';


/**
 * What a family file gets when it imports `@provd/build`: the declaration helpers, not the whole build tool. The
 * bundled family file reads them from a global the loader sets, so that it runs this package's own functions.
 */
const FAMILY_API = { defineFamily, capabilitiesOf };
const FAMILY_API_KEY = Symbol.for('provd.build.familyApi');
const BUILD_STUB = [
  `const api = globalThis[Symbol.for(${JSON.stringify(FAMILY_API_KEY.description)})];`,
  ...Object.keys(FAMILY_API).map((name) => `export const ${name} = api.${name};`),
  '',
].join('\n');

/** Replaces imports of `@provd/build` in a family file with {@link BUILD_STUB}. */
const stubBuildPackage: Plugin = {
  name: 'provd-build-stub',
  setup(b) {
    b.onResolve({ filter: /^@provd\/build$/ }, () => ({ path: 'provd-build-stub', namespace: 'provd-build-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'provd-build-stub' }, () => ({ contents: BUILD_STUB, loader: 'js' }));
  },
};

/** Formats the first esbuild message as `file:line: text`. */
export function esbuildReason(messages: readonly Message[]): { file?: string; line?: number; reason: string } {
  const first = messages[0];
  if (!first) return { reason: 'esbuild failed without a message' };
  const more = messages.length > 1 ? ` (and ${messages.length - 1} more)` : '';
  return { file: first.location?.file, line: first.location?.line, reason: `${first.text}${more}` };
}

/**
 * Loads a `provd.family.ts`: bundles it with esbuild (in memory; `@provd/build` replaced by its declaration helpers
 * `defineFamily` and `capabilitiesOf`, node built-ins external) and imports the result. Returns the default export,
 * unchecked. Throws `PROVD_BUILD_FAMILY_LOAD_FAILED`.
 *
 * @example
 * ```ts
 * const definition = await loadFamilyFile('/repo/packages/plugin-digium/provd.family.ts', 'packages/plugin-digium/provd.family.ts');
 * ```
 */
export async function loadFamilyFile(file: string, displayName: string): Promise<unknown> {
  let code: string;
  try {
    const result = await build({
      entryPoints: [file],
      absWorkingDir: dirname(file),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      plugins: [stubBuildPackage],
      banner: {
        js: `import { createRequire as __provdCreateRequire } from 'node:module'; const require = __provdCreateRequire(${JSON.stringify(file)});`,
      },
    });
    code = result.outputFiles[0]?.text ?? '';
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    const at = errors ? esbuildReason(errors) : { reason: String(err) };
    const shown = at.file === undefined ? undefined : isAbsolute(at.file) ? at.file : join(dirname(displayName), at.file);
    const where = shown !== undefined ? `${shown}${at.line !== undefined ? `:${at.line}` : ''}: ` : '';
    throw buildError('PROVD_BUILD_FAMILY_LOAD_FAILED', { file: displayName, reason: `${where}${at.reason}` }, { cause: err });
  }
  let mod: { default?: unknown };
  (globalThis as Record<symbol, unknown>)[FAMILY_API_KEY] = FAMILY_API;
  try {
    mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { default?: unknown };
  } catch (err) {
    throw buildError('PROVD_BUILD_FAMILY_LOAD_FAILED', { file: displayName, reason: `it throws when run: ${(err as Error).message}` }, { cause: err });
  }
  if (typeof mod.default !== 'object' || mod.default === null) {
    throw buildError('PROVD_BUILD_FAMILY_LOAD_FAILED', { file: displayName, reason: 'it has no default export object' });
  }
  return mod.default;
}
