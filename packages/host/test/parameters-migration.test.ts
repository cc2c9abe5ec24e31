import { readdir, readFile, writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostParameters } from '../src/api/index';
import { openStore } from '../src/store/open-store';
import type { Store } from '../src/store/store';
import { PostgresStore } from '../src/store/postgres-store';
import { freshPgDatabase } from './store-helpers';

let dir: TestDir;
let store: Store;
beforeEach(async () => {
  dir = await testdir();
  store = await openStore({ engine: 'sqlite', dataDir: dir.path }, { dataDir: dir.path });
});
afterEach(async () => {
  await store.close();
  await dir.cleanup();
});

const legacy = () => dir.join('api-parameters.json');

describe('an older host\'s api-parameters.json', () => {
  it('is moved into the store once, the store\'s own values winning, then renamed', async () => {
    await store.commit({ settings: { locale: 'en_US' } });
    await writeFile(legacy(), JSON.stringify({ top_tenant: 'top-1', values: { locale: 'fr_FR', plugin_server: 'http://repo/', NAT: '1' }, tenants: { 'top-1': { provisioning_key: 'keyOfTop01' }, t2: {} } }));
    const lines: string[] = [];
    const applied: string[] = [];
    const params = await HostParameters.open(store, { legacyFile: legacy(), log: (l) => lines.push(l), effects: { pluginServer: (u) => applied.push(`plugin_server=${u}`), nat: (on) => applied.push(`NAT=${on}`) } });
    expect(await store.settings()).toEqual({ locale: 'en_US', plugin_server: 'http://repo/', NAT: '1', top_tenant: 'top-1', 'provisioning_key/top-1': 'keyOfTop01' });
    expect([params.topTenant, params.get('locale', 'top-1'), params.get('provisioning_key', 'top-1'), params.get('provisioning_key', 't2')]).toEqual(['top-1', 'en_US', 'keyOfTop01', null]);
    expect(applied).toEqual(['plugin_server=http://repo/', 'NAT=true']);
    expect(lines).toEqual([expect.stringMatching(/moved 4 value\(s\) of .*api-parameters\.json into the store .*; kept the store's own value of locale$/)]);
    expect(await readdir(dir.path)).toContain('api-parameters.json.migrated');
    expect(await readdir(dir.path)).not.toContain('api-parameters.json');
    await params.close();

    // a second start reads the store alone
    await store.commit({ settings: { NAT: undefined } });
    const again = await HostParameters.open(store, { legacyFile: legacy(), log: (l) => lines.push(l) });
    expect([again.get('NAT', 'top-1'), lines.length]).toEqual(['0', 1]);
    await again.close();
  });

  it('is refused, and left in place, when it is not a parameters file or holds a value the API would refuse', async () => {
    for (const text of ['{"values": ', '{"values": {"http_proxy": "http://proxy:3128/with/a/path"}}']) {
      await writeFile(legacy(), text);
      await expect(HostParameters.open(store, { legacyFile: legacy() })).rejects.toMatchObject({ code: 'PROVD_API_INVALID_PARAMETER', message: expect.stringContaining('api-parameters.json') });
      expect(await readFile(legacy(), 'utf8')).toBe(text);
      expect(await store.settings()).toEqual({});
    }
  });

  it('is not needed: a new host generates its top tenant once and keeps it in the store', async () => {
    const first = await HostParameters.open(store, { legacyFile: legacy() });
    expect(first.topTenant).toMatch(/^[0-9a-f-]{36}$/);
    await first.close();
    const second = await HostParameters.open(store);
    expect(second.topTenant).toBe(first.topTenant);
    await second.close();
  });
});

describe('the top tenant of hosts sharing one PostgreSQL database', () => {
  it('is one tenant even when every host starts at the same moment on an empty database', async () => {
    const db = await freshPgDatabase();
    const stores = await Promise.all(['A', 'B', 'C'].map((hostId) => PostgresStore.open(db.url, { hostId })));
    try {
      const params = await Promise.all(stores.map((s) => HostParameters.open(s)));
      const tops = new Set(params.map((p) => p.topTenant));
      expect(tops.size).toBe(1);
      expect(await stores[0]!.setting('top_tenant')).toBe(params[0]!.topTenant);
      await Promise.all(params.map((p) => p.close()));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await db.drop();
    }
  });
});
