import { register } from 'node:module';
import { constants, Script } from 'node:vm';
import * as sdk from '@provd/sdk';

const GLOBAL_KEY = 'provd.sdk';
const SDK_URL = 'provd:sdk';

/**
 * The module loader hooks, run by Node on its hooks thread: a bare `@provd/sdk` import (from a plugin entry) resolves
 * to the virtual module `provd:sdk`, whose exports are read from the host's own, already loaded copy of the SDK.
 */
const HOOKS = `
let names = [];
export function initialize(data) { names = data.names; }
export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@provd/sdk') return { url: ${JSON.stringify(SDK_URL)}, shortCircuit: true };
  return nextResolve(specifier, context);
}
export async function load(url, context, nextLoad) {
  if (url !== ${JSON.stringify(SDK_URL)}) return nextLoad(url, context);
  const lines = ['const sdk = globalThis[Symbol.for(${JSON.stringify(GLOBAL_KEY)})];'];
  for (const name of names) lines.push('export const ' + name + ' = sdk[' + JSON.stringify(name) + '];');
  return { format: 'module', source: lines.join('\\n'), shortCircuit: true };
}
`;

let installed = false;

/**
 * Makes every plugin entry imported afterwards share this host's single copy of `@provd/sdk`: a bare
 * `import ... from '@provd/sdk'` in a plugin folder outside any `node_modules` resolves to the very module the host
 * uses, so `instanceof ProvdError` and `extends BasePlugin` hold across the boundary. Safe to call more than once.
 *
 * @example
 * ```ts
 * shareSdkWithPlugins();
 * const { default: Plugin } = await import(entryUrl);
 * ```
 */
export function shareSdkWithPlugins(): void {
  if (installed) return;
  (globalThis as Record<symbol, unknown>)[Symbol.for(GLOBAL_KEY)] = sdk;
  const names = Object.keys(sdk).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { names } });
  installed = true;
}

type ImportFunction = (url: string) => Promise<Record<string, unknown>>;

/**
 * Imports with Node's own loader (never a bundler's or test runner's). A `Function` body imports natively when the
 * host runs as plain Node; under a runner that evaluates modules with `vm` (vitest), such code has no import
 * callback, and a `vm.Script` bound to the main context's default loader does it instead.
 */
const functionImport = new Function('url', 'return import(url)') as ImportFunction;
let vmImport: ImportFunction | undefined;

async function nativeImport(url: string): Promise<Record<string, unknown>> {
  if (vmImport) return vmImport(url);
  try {
    return await functionImport(url);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw err;
    vmImport = new Script('(url) => import(url)', {
      filename: 'provd-plugin-loader',
      importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext() as ImportFunction;
    return vmImport(url);
  }
}

let generation = 0;

/**
 * Imports the entry module at `entryUrl` (a `file:` URL) with the SDK shared, returning its namespace.
 *
 * @example
 * ```ts
 * const namespace = await importPluginEntry(pathToFileURL(join(pluginDir, 'entry.js')).href);
 * ```
 */
export async function importPluginEntry(entryUrl: string): Promise<Record<string, unknown>> {
  shareSdkWithPlugins();
  return nativeImport(`${entryUrl}?provd-load=${++generation}`);
}
