import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchRoute, type ApiServer } from '../src/api/index';
import { apiCall, startTestApi, type TestApi } from './api-helpers';
import { AcmePlugin } from './serve-test-plugins';

/** Every operation of the established API description: path, method and the ACL its description requires. */
function operationsOf(yml: string): { path: string; method: string; acl: string }[] {
  const out: { path: string; method: string; acl: string }[] = [];
  const lines = yml.split('\n');
  const start = lines.indexOf('paths:');
  let path = '';
  let current: { path: string; method: string; acl: string } | undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const p = /^ {2}(\/\S*):\s*$/.exec(line);
    if (p) {
      path = p[1]!;
      continue;
    }
    const m = /^ {4}(get|post|put|delete):\s*$/.exec(line);
    if (m) {
      current = { path, method: m[1]!.toUpperCase(), acl: '' };
      out.push(current);
      continue;
    }
    const acl = /Required ACL:\*\* `([^`]+)`/.exec(line);
    if (acl && current && current.acl === '') current.acl = acl[1]!;
  }
  return out;
}

const API_YML = readFileSync(join(repoRoot, '..', 'shared', 'corpus', 'wazo-provd', 'api.yml'), 'utf8');
const OPERATIONS = operationsOf(API_YML);
const TOKEN = 'coverage-token-0123456789';

let dir: TestDir;
let testApi: TestApi;
let api: ApiServer;

beforeAll(async () => {
  dir = await testdir();
  testApi = await startTestApi(dir.path, { 'acme-1': (id, d) => new AcmePlugin(id, d) }, { file: { tokens: [{ token: TOKEN, acls: ['provd.#'] }] } });
  api = testApi.api;
});

afterAll(async () => {
  await testApi.close();
  await dir.cleanup();
});

describe('every operation of api.yml is served', () => {
  it('reads the operations of api.yml', () => {
    expect(OPERATIONS.length).toBeGreaterThan(50);
    expect(OPERATIONS).toContainEqual({ path: '/dev_mgr/devices/{device_id}', method: 'PUT', acl: 'provd.dev_mgr.devices.{device_id}.update' });
  });

  it('has a route of the same path and method for each, requiring the ACL api.yml names', () => {
    const missing: string[] = [];
    const wrongAcl: string[] = [];
    for (const op of OPERATIONS) {
      const route = api.routes.find((r) => r.path === op.path && r.method === op.method);
      if (!route) missing.push(`${op.method} ${op.path}`);
      else if (route.acl !== op.acl) wrongAcl.push(`${op.method} ${op.path}: ${route.acl} (api.yml: ${op.acl})`);
    }
    expect(missing).toEqual([]);
    expect(wrongAcl).toEqual([]);
    // what we serve beyond api.yml, on purpose (docs/decisions.md)
    const extra = api.routes.filter((r) => !OPERATIONS.some((op) => op.path === r.path && op.method === r.method)).map((r) => `${r.method} ${r.path}`);
    expect(extra.sort()).toEqual([
      'GET /openapi.json',
      'GET /pg_mgr/plugins/{plugin_id}/configure',
      'GET /pg_mgr/plugins/{plugin_id}/configure/{param_id}',
      'POST /pg_mgr/plugins/{plugin_id}/install/upgrade',
      'PUT /pg_mgr/plugins/{plugin_id}/configure/{param_id}',
    ]);
  });

  it('answers each over HTTP under /0.2 (never "no such endpoint" nor 405)', async () => {
    for (const op of OPERATIONS) {
      const path = `/0.2${op.path.replace(/\{(\w+)\}/g, 'x')}`.replace(/\/$/, '/');
      const segments = op.path.split('/').filter((s) => s !== '').map((s) => (s.startsWith('{') ? 'x' : s));
      expect(matchRoute(api.routes, op.method, segments), `${op.method} ${op.path}`).toHaveProperty('route');
      const body = op.method === 'POST' || op.method === 'PUT' ? {} : undefined;
      const r = await apiCall(api.port, op.method, path, { token: TOKEN, body });
      expect(r.status, `${op.method} ${path}`).not.toBe(405);
      expect(r.json?.message ?? '', `${op.method} ${path}`).not.toMatch(/no such endpoint/);
      expect(r.status, `${op.method} ${path}: ${JSON.stringify(r.json)}`).toBeLessThan(500);
    }
  });
});
