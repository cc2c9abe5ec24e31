/** Builds a plugin folder the way the build tool lays it out (common/ then the version folder), in a temp folder. */
import { cp, mkdir, readFile } from 'node:fs/promises';
import { firmwareServiceFor } from '@provd/firmware';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Device, PluginConstructor, PluginContext, SyncService } from '@provd/sdk';
import { testdir, type TestDir } from '@provd/test-utils';
import type { BaseDigiumPlugin } from '../common/digium-plugin';
import type { Target } from './expected';

/** The package folder (holding `common/` and the version folders). */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A plugin of one target, laid out in a temp folder, and its instance. */
export interface PluginFixture {
  dir: TestDir;
  plugin: BaseDigiumPlugin;
  /** Reads a file of the plugin's `var/tftpboot/Digium/`, or `undefined` when it does not exist. */
  read(name: string): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

/** Lays out `target` in a temp folder (sources layered, `.ts` files left out, standard `var/` folders). */
export async function layOutPlugin(target: Target): Promise<TestDir> {
  const dir = await testdir();
  for (const source of ['common', target.dir]) {
    await cp(join(packageDir, source), dir.path, {
      recursive: true,
      filter: (src) => !src.endsWith('.ts') && !src.split('/').pop()!.startsWith('.'),
    });
  }
  for (const sub of ['tftpboot', 'templates', 'cache', 'installed']) await mkdir(dir.join('var', sub), { recursive: true });
  return dir;
}

/** Lays out `target` and constructs its plugin from the version's entry, as a host would. */
export async function loadPlugin(target: Target, sync?: SyncService): Promise<PluginFixture> {
  const dir = await layOutPlugin(target);
  const entry = (await import(`../${target.dir}/entry.ts`)) as { default: PluginConstructor };
  const context: PluginContext = {
    id: target.pluginId,
    pluginDir: dir.path,
    generalConfig: {},
    pluginConfig: {},
    services: { installService: firmwareServiceFor, ...(sync ? { sync } : {}) },
  };
  const plugin = new entry.default(context) as BaseDigiumPlugin;
  return {
    dir,
    plugin,
    read: (name) => readFile(dir.join('var', 'tftpboot', 'Digium', name), 'utf8').catch(() => undefined),
    cleanup: () => dir.cleanup(),
  };
}

/** A device of `model` with a MAC. */
export const device = (model: string, mac = '00:0f:d3:05:48:48'): Device => ({
  id: `dev-${model}`,
  mac,
  vendor: 'Digium',
  model,
});
