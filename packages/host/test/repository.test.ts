import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isProvdError } from '@provd/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTooLargeError, fetchPluginIndex, fetchPluginPackage, openRepository, parsePluginIndex } from '../src/repository/index';

describe('parsePluginIndex', () => {
  it('lists every problem of every entry', () => {
    const bytes = Buffer.from(JSON.stringify({ a: { filename: 'a.tar.gz', dsize: -1, version: '1' }, b: { filename: '', dsize: 1, version: 2, sha256: 'xyz' } }));
    const err = (() => {
      try {
        return parsePluginIndex(bytes, 'repo');
      } catch (e) {
        return e;
      }
    })();
    expect(isProvdError(err, 'PROVD_REPO_INVALID_INDEX')).toBe(true);
    const message = (err as Error).message;
    for (const part of ['"a": "dsize"', '"b": "filename"', '"b": "version"', '"b": "sha256"']) expect(message).toContain(part);
  });

  it('refuses text that is not a JSON object', () => {
    for (const text of ['nope', '[]', 'null']) {
      expect(() => parsePluginIndex(Buffer.from(text), 'repo')).toThrow(expect.objectContaining({ code: 'PROVD_REPO_INVALID_INDEX' }) as Error);
    }
  });
});

describe('an http(s) repository', () => {
  let server: Server;
  let url: string;
  const files: Record<string, { status?: number; body?: Buffer; location?: string }> = {};
  beforeEach(async () => {
    server = createServer((req, res) => {
      const file = files[decodeURIComponent((req.url ?? '/').slice(1))];
      res.statusCode = file?.status ?? (file ? 200 : 404);
      if (file?.location) res.setHeader('location', file.location);
      res.end(file?.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('reports HTTP errors and missing files, naming the file', async () => {
    files['plugins.db'] = { status: 500 };
    const err = await fetchPluginIndex(openRepository(url)).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_REPO_UNREACHABLE')).toBe(true);
    expect((err as Error).message).toContain('HTTP 500');
    expect((err as Error).message).toContain('"plugins.db"');
    expect(await openRepository(url).read('absent', { optional: true })).toBeUndefined();
  });

  it('stops reading a package past its announced size', async () => {
    files['p.tar.gz'] = { body: Buffer.alloc(100_000) };
    const entry = { filename: 'p.tar.gz', dsize: 1000, version: '1', description: '', capabilities: {}, sha256: '00' };
    const err = await fetchPluginPackage(openRepository(url), 'p', entry).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_PLUGIN_SIZE_MISMATCH')).toBe(true);
    expect((err as Error).message).toContain('more than 1000');
    const direct = await openRepository(url).read('p.tar.gz', { maxBytes: 10 }).catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(FileTooLargeError);
  });

  it('follows redirects within a bound, and refuses a redirect loop', async () => {
    files['moved/plugins.db'] = { status: 301, location: '/elsewhere/plugins.db' };
    files['elsewhere/plugins.db'] = { body: Buffer.from('{}') };
    expect((await openRepository(`${url}/moved/`).read('plugins.db'))?.toString()).toBe('{}');
    files['loop/plugins.db'] = { status: 302, location: '/loop/plugins.db' };
    const err = await openRepository(`${url}/loop`).read('plugins.db').catch((e: unknown) => e);
    expect([isProvdError(err, 'PROVD_REPO_UNREACHABLE'), (err as Error).message]).toEqual([true, expect.stringContaining('more than 10 redirects')]);
  });

  it('reports a repository nobody listens on', async () => {
    const closed = `http://127.0.0.1:1/`;
    const err = await fetchPluginIndex(openRepository(closed)).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_REPO_UNREACHABLE')).toBe(true);
  });
});
