import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Device, PluginContext, PluginLogger } from '@provd/sdk';
import { testdir, type TestDir } from '@provd/test-utils';
import Tinkertel31Plugin from '../v3_1/entry';
import { buildBin, PLUGIN_ID, run, TARBALL } from './cli';

/** The plugin constructed from its sources, in the folder its built tarball unpacks to, as a host lays it out. */
export interface PluginFixture {
  dir: TestDir;
  plugin: Tinkertel31Plugin;
  /** The plugin folder. */
  pluginDir: string;
  /** What the plugin logged as warnings. */
  warnings: string[];
  /** Reads `var/tftpboot/tinkertel/<name>`, or `undefined` when it does not exist. */
  read(name: string): Promise<string | undefined>;
}

/** Builds the family, unpacks the tarball and constructs the plugin class of `v3_1/entry.ts` on that folder. */
export async function loadPlugin(): Promise<PluginFixture> {
  const dir = await testdir();
  const built = run(buildBin, ['build', 'tinkertel', '--out', dir.join('repo')]);
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  execFileSync('tar', ['xzf', dir.join('repo', TARBALL), '-C', dir.path]);
  const warnings: string[] = [];
  const logger: PluginLogger = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };
  const pluginDir = dir.join(PLUGIN_ID);
  const context: PluginContext = { id: PLUGIN_ID, pluginDir, generalConfig: {}, pluginConfig: {}, services: { logger } };
  return {
    dir,
    plugin: new Tinkertel31Plugin(context),
    pluginDir,
    warnings,
    read: (name) => readFile(dir.join(PLUGIN_ID, 'var', 'tftpboot', 'tinkertel', name), 'utf8').catch(() => undefined),
  };
}

/** A Tinkertel device of `model`. */
export function device(model: string, mac = '00:1a:2b:3c:4d:5e'): Device {
  return { id: `dev-${model}`, mac, vendor: 'Tinkertel', model, version: '3.1.0' };
}
