/**
 * The Digium plugins as a host runs them: the family is built once per test file with the test kit (as
 * `pnpm build-plugins digium` builds it), and each fixture loads one built plugin folder as a host loads it.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Device, SyncService } from '@provd/sdk';
import { buildFamily, loadPlugin as loadBuiltPlugin, type BuiltFamily } from '@provd/testing';
import { afterAll } from 'vitest';
import type { BaseDigiumPlugin } from '../common/digium-plugin';
import type { Target } from './expected';

/** The package folder (holding `provd.family.ts`, `common/` and the version folders). */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

let built: Promise<BuiltFamily> | undefined;

/** The family, built once for the test file that imports this module (removed after its last test). */
export function builtFamily(): Promise<BuiltFamily> {
  built ??= buildFamily(packageDir);
  return built;
}

afterAll(async () => {
  if (built) await (await built).cleanup();
});

/** A built plugin of one target, loaded in a working copy of its folder, and its instance. */
export interface PluginFixture {
  /** The plugin's working folder. */
  dir: { path: string; join(...rel: string[]): string };
  plugin: BaseDigiumPlugin;
  /** Reads a file of the plugin's `var/tftpboot/Digium/`, or `undefined` when it does not exist. */
  read(name: string): Promise<string | undefined>;
  /** Closes the plugin and removes its working folder. */
  cleanup(): Promise<void>;
}

/** Loads the built plugin of `target` as a host does (the firmware installer injected, `sync` as its sync service). */
export async function loadPlugin(target: Target, sync?: SyncService): Promise<PluginFixture> {
  const family = await builtFamily();
  const loaded = await loadBuiltPlugin(family.folder(target.pluginId), { services: sync ? { sync } : {} });
  const path = loaded.dir;
  return {
    dir: { path, join: (...rel) => join(path, ...rel) },
    plugin: loaded.plugin as unknown as BaseDigiumPlugin,
    read: (name) => readFile(join(path, 'var', 'tftpboot', 'Digium', name), 'utf8').catch(() => undefined),
    cleanup: () => loaded.dispose(),
  };
}

/** A device of `model` with a MAC. */
export const device = (model: string, mac = '00:0f:d3:05:48:48'): Device => ({
  id: `dev-${model}`,
  mac,
  vendor: 'Digium',
  model,
});
