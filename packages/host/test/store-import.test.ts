import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isProvdError } from '@provd/sdk';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectOldFormat, importDataFolder, refuseOldFormat } from '../src/store/import-data';
import { openStore } from '../src/store/open-store';
import { jsonOf, provd } from './helpers-cli';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'import');

let dir: TestDir;
beforeEach(async () => {
  dir = await testdir();
});
afterEach(() => dir.cleanup());

describe('provd import', () => {
  it("imports an established provd's jsondb, reports each document it leaves out and why, and moves the old folder away", async () => {
    const data = dir.join('wazo');
    await cp(join(FIXTURES, 'established'), data, { recursive: true });
    expect(await detectOldFormat(data)).toBe('established');
    await expect(refuseOldFormat(data)).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_OLD_DATA_FORMAT') && (e as Error).message.includes(`provd import ${data}`));

    const run = await provd('import', data, '--tenant', 't-default', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = jsonOf(run) as { format: string; devices: number; configs: number; skipped: { file: string; reason: string }[]; notes: { file: string; reason: string }[]; renamed: string[] };
    expect(report).toMatchObject({ format: 'established', devices: 2, configs: 3, renamed: [join(data, 'jsondb.imported')] });
    const why = Object.fromEntries(report.skipped.map((s) => [s.file.split('/').slice(-2).join('/'), s.reason]));
    expect(Object.keys(why).sort()).toEqual([
      'configs/broken',
      'configs/orphan',
      'configs/orphan-child',
      'devices/11111111111111111111111111111111',
      'devices/22222222222222222222222222222222',
      'devices/44444444444444444444444444444444',
    ]);
    expect(why['configs/broken']).toMatch(/not readable JSON/);
    expect(why['configs/orphan']).toMatch(/"no-such-parent"/);
    expect(why['configs/orphan-child']).toMatch(/"orphan"/);
    expect(why['devices/11111111111111111111111111111111']).toMatch(/MAC 00:0f:d3:05:48:48 is already device "0a1b2c3d4e5f60718293a4b5c6d7e8f9"'s/);
    expect(why['devices/22222222222222222222222222222222']).toMatch(/^mac: .*not a MAC address/);
    expect(why['devices/44444444444444444444444444444444']).toMatch(/"someone-else" is not its file name/);
    expect(report.notes).toEqual([{ file: join(data, 'jsondb.imported/devices/33333333333333333333333333333333').replace('jsondb.imported', 'jsondb'), reason: expect.stringMatching(/config "gone-config" does not exist/) }]);

    expect(await detectOldFormat(data)).toBeUndefined();
    const store = await openStore({ engine: 'sqlite', dataDir: data }, { dataDir: data });
    try {
      expect(await store.devices.get('0a1b2c3d4e5f60718293a4b5c6d7e8f9')).toEqual({
        id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
        mac: '00:0f:d3:05:48:48',
        ip: '10.0.0.50',
        vendor: 'Digium',
        model: 'D40',
        plugin: 'digium',
        config: 'line-alice',
        configured: false,
        tenant_uuid: 't-main',
        added: 'auto',
      });
      expect((await store.configs.find({ role: 'autocreate' })).items.map((c) => c.id)).toEqual(['autoprov']);
      expect((await store.configs.get('base'))?.tenant_uuid).toBe('t-default');
      expect((await store.configs.get('line-alice'))?.tenant_uuid).toBe('t-main');
      // Every imported device gets configured by the host in the background.
      expect(await store.jobs()).toEqual([expect.objectContaining({ reason: '2 device(s) imported', selector: {} })]);
    } finally {
      await store.close();
    }
    // A second import of the same documents takes nothing and says why.
    await cp(join(data, 'jsondb.imported'), join(data, 'again', 'jsondb'), { recursive: true });
    const again = jsonOf(await provd('import', join(data, 'again'), '--data-dir', data, '--json')) as { devices: number; configs: number; skipped: { reason: string }[] };
    expect(again).toMatchObject({ devices: 0, configs: 0 });
    expect(again.skipped.filter((s) => /already in the store/.test(s.reason))).toHaveLength(5);
  });

  it("imports this host's JSON-document folder into its own data folder", async () => {
    const data = dir.join('data');
    await cp(join(FIXTURES, 'json-documents'), data, { recursive: true });
    await expect(refuseOldFormat(data)).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_OLD_DATA_FORMAT'));
    const run = await provd('import', data);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('imported 1 device(s) and 1 config(s)');
    expect((await readdir(data)).sort()).toEqual(['configs.imported', 'devices.imported', 'host-id', 'provd.sqlite']);
    await refuseOldFormat(data);
  });

  it('refuses a folder holding neither format', async () => {
    const run = await provd('import', dir.path);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/PROVD_HOST_IMPORT_UNREADABLE/);
  });
});

describe('importDataFolder into PostgreSQL', () => {
  it('imports into a shared store in one transaction', async () => {
    const { freshPgDatabase } = await import('./store-helpers');
    const db = await freshPgDatabase();
    try {
      const data = dir.join('wazo');
      await cp(join(FIXTURES, 'established'), data, { recursive: true });
      const store = await openStore({ engine: 'postgres', url: db.url }, { dataDir: dir.join('host') });
      try {
        const report = await importDataFolder({ from: data, store });
        expect(report).toMatchObject({ devices: 2, configs: 3, renamed: [] });
        expect(await store.devices.count()).toBe(2);
        expect((await store.devices.findOne({ mac: '00:0f:d3:05:48:48' }))?.config).toBe('line-alice');
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });
});
