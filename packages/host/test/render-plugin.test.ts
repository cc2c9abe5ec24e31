import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawConfigCopier } from '../src/render/prepare-raw-config';
import { renderPlugin } from '../src/render/index';
import { writePluginFolder } from './helpers-plugins';
import { mountTmpfs } from './hostile/harness';

// A plugin that writes, per device, how its context asks it to write and what its writer does.
const REPORTING_ENTRY = `import { BasePlugin } from '@provd/sdk';
export default class Reporting extends BasePlugin {
  async configure(device) {
    const text = String(this.context.writeDurability) + ' ' + this.writer.durability;
    await this.writeFiles([{ file: this.tftpbootPath('R', device.id + '.txt'), data: text }, { file: this.tftpbootPath('R', device.id + '.b'), data: 'b' }]);
  }
}
`;

let dir: TestDir;
let pluginDir: string;
beforeEach(async () => {
  dir = await testdir();
  pluginDir = await writePluginFolder(dir.join('plugins'), 'reporting-1', { files: { 'entry.js': REPORTING_ENTRY } });
});
afterEach(() => dir.cleanup());

const devices = [
  { id: 'd1', mac: '00:0f:d3:00:00:01', vendor: 'Acme', model: 'A1' },
  { id: 'd2', mac: '00:0f:d3:00:00:02', vendor: 'Acme', model: 'A1' },
];

describe('renderPlugin', () => {
  it('gives the plugin a context without fsync (its tftpboot is a throwaway copy) and moves every file out', async () => {
    const result = await renderPlugin({ plugin: pluginDir, devices, rawConfig: {}, outDir: dir.join('out') });
    expect(result.files).toEqual(['R/d1.b', 'R/d1.txt', 'R/d2.b', 'R/d2.txt']);
    expect(await readFile(dir.join('out/R/d2.txt'), 'utf8')).toBe('none none');
  });

  it('works beside an output folder on another file system than the temporary folder, so that its files move by rename', async () => {
    // the plugin writes where its working copy is into each file
    const whereEntry = REPORTING_ENTRY.replace("String(this.context.writeDurability) + ' ' + this.writer.durability", 'this.tftpbootPath()');
    const wherePlugin = await writePluginFolder(dir.join('plugins'), 'where-1', { files: { 'entry.js': whereEntry } });
    const mount = dir.join('other-fs');
    const unmount = await mountTmpfs(mount, '8m');
    try {
      const result = await renderPlugin({ plugin: wherePlugin, devices, rawConfig: {}, outDir: join(mount, 'srv', 'out') });
      expect(result.files).toEqual(['R/d1.b', 'R/d1.txt', 'R/d2.b', 'R/d2.txt']);
      const where = await readFile(join(mount, 'srv', 'out', 'R', 'd1.txt'), 'utf8');
      // on the output's file system (the nearest folder there that existed), not in the temporary folder
      expect(where.startsWith(`${mount}/.provd-run-`), where).toBe(true);
      // and removed at the end
      expect((await readdir(mount)).sort()).toEqual(['srv']);
      // an output folder that exists: its parent holds the copy, the output holds only the output
      await renderPlugin({ plugin: wherePlugin, devices, rawConfig: {}, outDir: join(mount, 'srv', 'out') });
      expect(await readFile(join(mount, 'srv', 'out', 'R', 'd2.txt'), 'utf8')).toMatch(new RegExp(`^${mount}/srv/\\.provd-run-`));
      expect((await readdir(join(mount, 'srv'))).sort()).toEqual(['out']);
      expect((await readdir(join(mount, 'srv', 'out'))).sort()).toEqual(['R']);
    } finally {
      await unmount();
    }
  });

  it('lets the caller ask for durable writes', async () => {
    await renderPlugin({ plugin: pluginDir, devices, rawConfig: {}, outDir: dir.join('out'), writeDurability: 'fsync' });
    expect(await readFile(dir.join('out/R/d1.txt'), 'utf8')).toBe('fsync fsync');
  });
});

describe('rawConfigCopier', () => {
  it('gives a new deep copy per call, JSON data or not', () => {
    const json = { sip_lines: { '1': { username: 'a', proxy_port: 5060 } }, list: [1, 'x', null, true] };
    const copy = rawConfigCopier(json);
    const first = copy();
    (first.sip_lines as Record<string, { username: string }>)['1']!.username = 'changed';
    expect(copy()).toEqual(json);
    expect(json.sip_lines['1'].username).toBe('a');

    const special = { when: new Date(0), nothing: undefined, sparse: [1, , 3] };
    const copied = rawConfigCopier(special as never)() as unknown as typeof special;
    expect(copied.when).toEqual(new Date(0));
    expect(copied.when).not.toBe(special.when);
    expect('nothing' in copied).toBe(true);
    expect(1 in copied.sparse).toBe(false);
  });
});
