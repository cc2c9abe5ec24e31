import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Device, PluginLogger } from '@provd/sdk';
import { buildFamily, loadPlugin as loadBuiltPlugin } from '@provd/testing';
import { repoRoot } from '@provd/test-utils';
import type Tinkertel31Plugin from '../v3_1/entry';
import { PLUGIN_ID } from './cli';

/** The built plugin, loaded from its folder as a host loads it (with the test kit). */
export interface PluginFixture {
  /** Removes the build and the plugin's working copy. */
  dir: { cleanup(): Promise<void> };
  plugin: Tinkertel31Plugin;
  /** The plugin folder. */
  pluginDir: string;
  /** What the plugin logged as warnings. */
  warnings: string[];
  /** Reads `var/tftpboot/tinkertel/<name>`, or `undefined` when it does not exist. */
  read(name: string): Promise<string | undefined>;
}

/** Builds the family as `pnpm build-plugins tinkertel` does and loads its plugin as a host does. */
export async function loadPlugin(): Promise<PluginFixture> {
  const family = await buildFamily(join(repoRoot, 'examples', '2.multi-model'));
  const warnings: string[] = [];
  const logger: PluginLogger = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };
  const loaded = await loadBuiltPlugin(family.folder(PLUGIN_ID), { services: { logger } });
  return {
    dir: {
      async cleanup() {
        try {
          await loaded.dispose();
        } finally {
          await family.cleanup();
        }
      },
    },
    plugin: loaded.plugin as unknown as Tinkertel31Plugin,
    pluginDir: loaded.dir,
    warnings,
    read: (name) => readFile(join(loaded.dir, 'var', 'tftpboot', 'tinkertel', name), 'utf8').catch(() => undefined),
  };
}

/** A Tinkertel device of `model`. */
export function device(model: string, mac = '00:1a:2b:3c:4d:5e'): Device {
  return { id: `dev-${model}`, mac, vendor: 'Tinkertel', model, version: '3.1.0' };
}
