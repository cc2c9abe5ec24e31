import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestDir } from '@provd/test-utils';
import { api, hostileDir, startHostile, type HostileHost } from './harness';

let dir: TestDir;
let h: HostileHost;

beforeEach(async () => {
  dir = await hostileDir();
  h = await startHostile(dir);
});

afterEach(async () => {
  await h.close();
  await dir.cleanup();
});

const config = (id: string, parent_ids: string[]) => ({ id, parent_ids, raw_config: { ip: '10.0.0.1' } });

describe('config inheritance loops through the API', () => {
  it('deleting A and creating it again with parent B (a child of A) is refused, and nothing is stored', async () => {
    const port = h.host.ports.api;
    expect((await api(port, 'POST', '/cfg_mgr/configs', { config: config('a', []) })).status).toBe(201);
    expect((await api(port, 'POST', '/cfg_mgr/configs', { config: config('b', ['a']) })).status).toBe(201);
    expect((await api(port, 'DELETE', '/cfg_mgr/configs/a')).status).toBe(204);
    const again = await api(port, 'POST', '/cfg_mgr/configs', { config: config('a', ['b']) });
    expect(again.status).toBe(400);
    expect(JSON.stringify(again.json)).toContain('"b\\" inherits from \\"a\\"');
    expect((await api(port, 'GET', '/cfg_mgr/configs/a')).status).toBe(404);
    // B still flattens (no loop stored), and A can come back without the loop
    expect((await api(port, 'POST', '/cfg_mgr/configs', { config: config('a', []) })).status).toBe(201);
    expect((await api(port, 'GET', '/cfg_mgr/configs/b/raw')).status).toBe(200);
  }, 30_000);
});
