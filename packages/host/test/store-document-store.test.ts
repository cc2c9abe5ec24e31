import { readdir, readFile, writeFile } from 'node:fs/promises';
import { isProvdError } from '@provd/sdk';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentStore } from '../src/store/index';

interface Doc {
  id: string;
  mac?: string;
  ip?: string;
  list?: number[];
}

let dir: TestDir;
beforeEach(async () => {
  dir = await testdir();
});
afterEach(() => dir.cleanup());

describe('DocumentStore', () => {
  it('stores one JSON file per document and reads them back after a restart', async () => {
    const store = await DocumentStore.open<Doc>(dir.join('devices'), { kind: 'device', indexes: ['mac', 'ip'] });
    await store.put({ id: 'a1', mac: '00:11:22:33:44:55', ip: '10.0.0.1' });
    await store.put({ id: 'b2', mac: '00:11:22:33:44:66' });
    expect(JSON.parse(await readFile(dir.join('devices/a1.json'), 'utf8'))).toEqual({ id: 'a1', mac: '00:11:22:33:44:55', ip: '10.0.0.1' });
    const again = await DocumentStore.open<Doc>(dir.join('devices'), { kind: 'device', indexes: ['mac', 'ip'] });
    expect(again.all().map((d) => d.id)).toEqual(['a1', 'b2']);
    expect(again.findBy('mac', '00:11:22:33:44:66')).toEqual([{ id: 'b2', mac: '00:11:22:33:44:66' }]);
    expect(again.findBy('ip', '10.0.0.1').map((d) => d.id)).toEqual(['a1']);
  });

  it('keeps its indexes right when a document changes or goes', async () => {
    const store = await DocumentStore.open<Doc>(dir.path, { kind: 'device', indexes: ['ip'] });
    await store.put({ id: 'a', ip: '10.0.0.1' });
    await store.put({ id: 'a', ip: '10.0.0.2' });
    expect(store.findBy('ip', '10.0.0.1')).toEqual([]);
    expect(store.findBy('ip', '10.0.0.2').map((d) => d.id)).toEqual(['a']);
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(store.findBy('ip', '10.0.0.2')).toEqual([]);
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('hands out copies: mutating a result never changes the stored document', async () => {
    const store = await DocumentStore.open<Doc>(dir.path, { kind: 'device' });
    const doc = { id: 'a', list: [1] };
    await store.put(doc);
    doc.list.push(2);
    store.get('a')!.list!.push(3);
    expect(store.get('a')).toEqual({ id: 'a', list: [1] });
  });

  it('refuses ids that are not safe file names', async () => {
    const store = await DocumentStore.open<Doc>(dir.path, { kind: 'config' });
    for (const id of ['../x', 'a/b', '', '.hidden', 'a b', 'x'.repeat(129)]) {
      const err = await store.put({ id }).catch((e: unknown) => e);
      expect(isProvdError(err, 'PROVD_HOST_INVALID_ID'), id).toBe(true);
    }
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('skips unreadable files at open and removes temporary files left by a crash', async () => {
    await writeFile(dir.join('bad.json'), '{not json');
    await writeFile(dir.join('other.json'), '{"id":"mismatch"}');
    await writeFile(dir.join('.ok.json.abc123.tmp'), 'half');
    await writeFile(dir.join('ok.json'), '{"id":"ok"}');
    const lines: string[] = [];
    const store = await DocumentStore.open<Doc>(dir.path, { kind: 'device', log: (l) => lines.push(l) });
    expect(store.all()).toEqual([{ id: 'ok' }]);
    expect(lines).toHaveLength(2);
    expect((await readdir(dir.path)).sort()).toEqual(['bad.json', 'ok.json', 'other.json']);
  });

  it('writes many documents at once without losing or mixing any', async () => {
    const store = await DocumentStore.open<Doc>(dir.path, { kind: 'device', indexes: ['mac'] });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.put({ id: `d${i}`, ip: `10.0.0.${i}` })));
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.put({ id: 'same', ip: `10.0.1.${i}` })));
    const again = await DocumentStore.open<Doc>(dir.path, { kind: 'device' });
    expect(again.size).toBe(101);
    expect(again.get('same')?.ip).toBe('10.0.1.99');
    expect((await readdir(dir.path)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
