import { readFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { writeDeterministicTarGz } from './deterministic-tar';
import { readPluginTarball } from './read-plugin-tarball';

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

const info = JSON.stringify({ version: '1.0', description: 'x', capabilities: {} });

describe('writeDeterministicTarGz', () => {
  it('writes the same bytes whatever the order of the entries, with a gzip header without time and a Unix OS byte', async () => {
    dir = await testdir();
    const entries = [
      { path: 'p', type: 'dir' as const },
      { path: 'p/b', type: 'file' as const, source: Buffer.from('b') },
      { path: 'p/a', type: 'file' as const, source: Buffer.from('a'), executable: true },
      { path: 'p/plugin-info', type: 'file' as const, source: Buffer.from(info) },
    ];
    const d1 = await writeDeterministicTarGz(dir.join('1.tar.gz'), entries);
    const d2 = await writeDeterministicTarGz(dir.join('2.tar.gz'), [...entries].reverse());
    const bytes = await readFile(dir.join('1.tar.gz'));
    expect(bytes.equals(await readFile(dir.join('2.tar.gz')))).toBe(true);
    expect(d1).toEqual(d2);
    expect(d1.size).toBe(bytes.length);
    expect([...bytes.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
    expect([...bytes.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(bytes[9]).toBe(3);
  });

  it('refuses to overwrite an existing file', async () => {
    dir = await testdir({ 'x.tar.gz': 'old' });
    await expect(writeDeterministicTarGz(dir.join('x.tar.gz'), [{ path: 'p', type: 'dir' }])).rejects.toThrow(/EEXIST/);
    expect(await readFile(dir.join('x.tar.gz'), 'utf8')).toBe('old');
  });
});

describe('readPluginTarball', () => {
  it('reads the plugin id from the single top folder and parses its plugin-info', async () => {
    dir = await testdir();
    await writeDeterministicTarGz(dir.join('x.tar.gz'), [
      { path: 'plug-1', type: 'dir' },
      { path: 'plug-1/plugin-info', type: 'file', source: Buffer.from(info) },
    ]);
    const read = await readPluginTarball(dir.join('x.tar.gz'));
    expect(read.pluginId).toBe('plug-1');
    expect(read.pluginInfo.version).toBe('1.0');
    expect(read.digest.size).toBeGreaterThan(0);
  });

  it.each([
    ['two top folders', [{ path: 'a/plugin-info', source: info }, { path: 'b/x', source: 'x' }], /exactly one top folder/],
    ['no plugin-info', [{ path: 'a/x', source: 'x' }], /no "a\/plugin-info"/],
    ['a plugin-info that is not JSON', [{ path: 'a/plugin-info', source: '{' }], /not JSON/],
    ['a ".." entry', [{ path: 'a/../../etc/x', source: 'x' }], /unsafe entry/],
  ])('rejects a tarball with %s', async (_label, files, message) => {
    dir = await testdir();
    await writeDeterministicTarGz(
      dir.join('x.tar.gz'),
      files.map((f) => ({ path: f.path, type: 'file' as const, source: Buffer.from(f.source) })),
    );
    await expect(readPluginTarball(dir.join('x.tar.gz'))).rejects.toThrow(message);
  });
});
