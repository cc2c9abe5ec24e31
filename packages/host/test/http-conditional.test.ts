import { link, readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvisioningHttpServer, ServedFileCache } from '../src/http/index';
import { run } from './serve-helpers';

// Conditional requests and the in-memory file cache of the provisioning HTTP server, with curl: every change of a
// served file (atomic replace, rewrite in place, removal, a new file) is seen on the next request, no restart.

let dir: TestDir;
let server: ProvisioningHttpServer;
let files: ServedFileCache;

beforeAll(async () => {
  dir = await testdir({ 'root/Digium/000fd3054848.cfg': '<config v="1"/>\n', 'root/big.bin': Buffer.alloc(300_000, 1) });
  files = new ServedFileCache();
  server = new ProvisioningHttpServer({ port: 0, files, route: async () => ({ root: dir.join('root') }) });
  await server.start();
});

afterAll(async () => {
  await server.close();
  files.close();
  await dir.cleanup();
});

async function get(path: string, ...headers: string[]): Promise<{ status: number; body: string; etag?: string; lastModified?: string; cacheControl?: string }> {
  const out = dir.join('body.out');
  await rm(out, { force: true });
  const r = await run('curl', ['-sS', '-D', '-', '-o', out, ...headers.flatMap((h) => ['-H', h]), `http://127.0.0.1:${server.port}${path}`]);
  const field = (name: string) => new RegExp(`^${name}: (.*)\\r$`, 'mi').exec(r.stdout)?.[1];
  return {
    status: Number(/^HTTP\/1\.1 (\d+)/.exec(r.stdout)?.[1]),
    body: await readFile(out, 'utf8').catch(() => ''),
    etag: field('ETag'),
    lastModified: field('Last-Modified'),
    cacheControl: field('Cache-Control'),
  };
}

const CFG = '/Digium/000fd3054848.cfg';

describe('conditional requests', () => {
  it('gives ETag and Last-Modified, and answers 304 to a matching If-None-Match or If-Modified-Since', async () => {
    const first = await get(CFG);
    expect(first).toMatchObject({ status: 200, body: '<config v="1"/>\n', cacheControl: 'private, no-cache' });
    expect(first.etag).toMatch(/^"[\w-]+"$/);
    expect(await get(CFG, `If-None-Match: ${first.etag}`)).toMatchObject({ status: 304, body: '', etag: first.etag });
    expect((await get(CFG, `If-None-Match: "other", W/${first.etag}`)).status).toBe(304);
    expect((await get(CFG, 'If-None-Match: *')).status).toBe(304);
    expect((await get(CFG, `If-Modified-Since: ${first.lastModified}`)).status).toBe(304);
    expect((await get(CFG, 'If-Modified-Since: Thu, 01 Jan 2004 00:00:00 GMT')).status).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
    expect((await get(CFG, 'If-None-Match: "other"', `If-Modified-Since: ${first.lastModified}`)).status).toBe(200);
    expect((await get(CFG, 'If-Modified-Since: not a date')).status).toBe(200);
  });

  it('serves a large (streamed) file with an ETag, 304 and ranges under If-Range', async () => {
    const first = await get('/big.bin');
    expect(first.status).toBe(200);
    expect(first.body.length).toBe(300_000);
    expect((await get('/big.bin', `If-None-Match: ${first.etag}`)).status).toBe(304);
    expect((await get('/big.bin', 'Range: bytes=0-9', `If-Range: ${first.etag}`)).status).toBe(206);
    expect((await get('/big.bin', 'Range: bytes=0-9', 'If-Range: "stale"')).status).toBe(200);
  });
});

describe('the in-memory file cache follows every change without a restart', () => {
  it('sees an atomic replace at once: new bytes, new ETag, and the old ETag gets 200', async () => {
    const before = await get(CFG);
    await writeFile(dir.join('root/Digium/.tmp-new'), '<config v="2"/>\n');
    await rename(dir.join('root/Digium/.tmp-new'), dir.join('root/Digium/000fd3054848.cfg'));
    const after = await get(CFG, `If-None-Match: ${before.etag}`);
    expect(after).toMatchObject({ status: 200, body: '<config v="2"/>\n' });
    expect(after.etag).not.toBe(before.etag);
  });

  it('sees a rewrite in place and a removal, and serves a file dropped in later', async () => {
    await get(CFG);
    await writeFile(dir.join('root/Digium/000fd3054848.cfg'), '<config v="3"/>\n');
    expect((await get(CFG)).body).toBe('<config v="3"/>\n');
    await rm(dir.join('root/Digium/000fd3054848.cfg'));
    expect((await get(CFG)).status).toBe(404);
    expect((await get('/Digium/new/file.cfg')).status).toBe(404);
    await mkdir(dir.join('root/Digium/new'));
    await writeFile(dir.join('root/Digium/new/file.cfg'), 'new');
    expect((await get('/Digium/new/file.cfg')).body).toBe('new');
    await rm(dir.join('root/Digium/new'), { recursive: true });
    expect((await get('/Digium/new/file.cfg')).status).toBe(404);
  });

  it('keeps the ETag of the same bytes written again (a reconfigure that changes nothing)', async () => {
    await writeFile(dir.join('root/Digium/000fd3054848.cfg'), '<config v="4"/>\n');
    const before = await get(CFG);
    await writeFile(dir.join('root/Digium/.tmp-same'), '<config v="4"/>\n');
    await rename(dir.join('root/Digium/.tmp-same'), dir.join('root/Digium/000fd3054848.cfg'));
    expect((await get(CFG, `If-None-Match: ${before.etag}`)).status).toBe(304);
  });

  it('holds small files in memory (no file-system call on a hit) and drops them when they change', async () => {
    const cache = new ServedFileCache();
    try {
      await writeFile(dir.join('root/a.cfg'), 'a1');
      const first = await cache.lookup(dir.join('root'), 'a.cfg');
      const second = await cache.lookup(dir.join('root'), 'a.cfg');
      expect(first.ok && 'cached' in first && second.ok && 'cached' in second && second.cached === first.cached).toBe(true);
      expect(cache.size).toBe(1);
      await writeFile(dir.join('root/a.cfg'), 'a2');
      // the watch event arrives on the event loop: wait for it without sleeping a fixed time
      for (let i = 0; i < 200 && cache.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(cache.size).toBe(0);
      const third = await cache.lookup(dir.join('root'), 'a.cfg');
      expect(third.ok && 'cached' in third && third.cached.data.toString()).toBe('a2');
    } finally {
      cache.close();
    }
  });

  it('checks a held file against the disk when asked to (a file just written, its watch event not handled yet)', async () => {
    const cache = new ServedFileCache();
    try {
      await writeFile(dir.join('root/r.cfg'), 'r1');
      const first = await cache.lookup(dir.join('root'), 'r.cfg');
      expect(first.ok && 'cached' in first && first.cached.data.toString()).toBe('r1');
      // an atomic replace, synchronously: the watch's event cannot have been handled before the look-ups below
      writeFileSync(dir.join('root/r.cfg.tmp'), 'r2');
      renameSync(dir.join('root/r.cfg.tmp'), dir.join('root/r.cfg'));
      expect(cache.held(dir.join('root'), 'r.cfg')?.data.toString()).toBe('r1');
      const rechecked = cache.lookup(dir.join('root'), 'r.cfg', true);
      const found = await rechecked;
      expect(found.ok && 'cached' in found && found.cached.data.toString()).toBe('r2');
      expect(found.ok && 'cached' in found && first.ok && 'cached' in first && found.cached.etag !== first.cached.etag).toBe(true);
    } finally {
      cache.close();
    }
  });

  it('checks a file again past maxAgeMs: in the background while it is asked for, before answering past twice that', async () => {
    let now = 0;
    const cache = new ServedFileCache({ maxAgeMs: 1000, now: () => now });
    const text = async () => {
      const found = await cache.lookup(dir.join('root'), 'h.cfg');
      return found.ok && 'cached' in found ? found.cached.data.toString() : found;
    };
    try {
      // a change the folder watch cannot see: a write through a hard link in another folder
      await writeFile(dir.join('root/h.cfg'), 'h1');
      await mkdir(dir.join('elsewhere'), { recursive: true });
      await link(dir.join('root/h.cfg'), dir.join('elsewhere/h.cfg'));
      expect(await text()).toBe('h1');
      await writeFile(dir.join('elsewhere/h.cfg'), 'h2, longer');
      now = 999;
      expect(await text()).toBe('h1'); // within maxAgeMs: from memory, unchecked
      now = 1500;
      expect(await text()).toBe('h1'); // past it: still from memory, and checked in the background
      for (let i = 0; i < 200 && (await text()) === 'h1'; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await text()).toBe('h2, longer');
      await writeFile(dir.join('elsewhere/h.cfg'), 'h3');
      now = 1500 + 2001; // not asked for more than twice maxAgeMs since its last check: the request waits for one
      expect(await text()).toBe('h3');
    } finally {
      cache.close();
    }
  });
});

describe('a folder written in bulk rests from the watch', () => {
  it('past stormEvents within a second: its files dropped and served from disk, each change seen; watched again after restMs', async () => {
    let now = 0;
    const cache = new ServedFileCache({ stormEvents: 20, restMs: 1000, now: () => now });
    const root = dir.join('storm');
    await mkdir(root, { recursive: true });
    const text = async (name: string) => {
      const found = await cache.lookup(root, name);
      return found.ok && 'cached' in found ? found.cached.data.toString() : found;
    };
    const waitFor = async (cond: () => boolean) => {
      for (let i = 0; i < 400 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    try {
      await writeFile(join(root, 'p.cfg'), 'p1');
      expect(await text('p.cfg')).toBe('p1');
      expect(cache.size).toBe(1);
      // a few changes of other files: watched as before, the held file kept
      for (let i = 0; i < 5; i++) await writeFile(join(root, `o${i}.cfg`), 'o');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(cache.size).toBe(1);
      expect(cache.restingFolders).toBe(0);
      // a bulk write (atomic replaces: several events each): the folder rests, its held file dropped
      for (let i = 0; i < 20; i++) {
        await writeFile(join(root, `.tmp-${i}`), 'n');
        await rename(join(root, `.tmp-${i}`), join(root, `n${i}.cfg`));
      }
      await waitFor(() => cache.restingFolders === 1);
      expect(cache.restingFolders).toBe(1);
      expect(cache.size).toBe(0);
      // while it rests: served from disk, never kept, so a change (seen by no watch) is served at once
      expect(await text('p.cfg')).toBe('p1');
      expect(cache.size).toBe(0);
      await writeFile(join(root, 'p.cfg'), 'p2');
      expect(await text('p.cfg')).toBe('p2');
      expect(cache.size).toBe(0);
      // after restMs: watched and held again, and a change drops it as before
      now = 1000;
      expect(cache.restingFolders).toBe(0);
      expect(await text('p.cfg')).toBe('p2');
      expect(cache.size).toBe(1);
      await writeFile(join(root, 'p.cfg'), 'p3');
      await waitFor(() => cache.size === 0);
      expect(cache.size).toBe(0);
      expect(await text('p.cfg')).toBe('p3');
    } finally {
      cache.close();
    }
  });

  it('counts events per second: the same number spread over seconds keeps the folder watched', async () => {
    let now = 0;
    const cache = new ServedFileCache({ stormEvents: 20, now: () => now });
    const root = dir.join('calm');
    await mkdir(root, { recursive: true });
    try {
      await writeFile(join(root, 'p.cfg'), 'p1');
      await cache.lookup(root, 'p.cfg');
      for (let second = 0; second < 4; second++) {
        now = second * 1000;
        for (let i = 0; i < 5; i++) await writeFile(join(root, `o${i}.cfg`), `o${second}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(cache.restingFolders).toBe(0);
      expect(cache.size).toBe(1);
    } finally {
      cache.close();
    }
  });
});
