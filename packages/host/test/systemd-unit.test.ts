/** The systemd unit shipped in packages/host/systemd/, checked by systemd's own analyzer. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVD_BIN } from './host-process';
import { run } from './serve-helpers';

/**
 * A node process whose 8 worker threads allocate at once (Buffers: malloc), counting its malloc arenas beside the
 * main one (which grows with brk): glibc maps each as a 64 MB region aligned on 64 MB, its used part read-write and
 * the rest reserved (`---p`) right after it. (Counting every 64 MB-aligned read-write region also counted some of
 * V8's: 1 to 4 for one arena.)
 */
const COUNT_ARENAS = `
const { Worker } = require('node:worker_threads');
const src = "const keep = []; for (let i = 0; i < 2000; i++) keep.push(Buffer.alloc(4096 + i)); require('node:worker_threads').parentPort.postMessage(keep.length);";
Promise.all(Array.from({ length: 8 }, () => new Promise((r) => new Worker(src, { eval: true }).once('message', r)))).then(() => {
  const size = 64n * 1024n * 1024n;
  const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n')
    .map((line) => /^([0-9a-f]+)-([0-9a-f]+) (\\S+) 0+ 00:00 0\\s*$/.exec(line))
    .map((m) => m && { start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), perms: m[3] });
  let n = 0;
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i];
    if (!m || !m.perms.startsWith('rw') || m.start % size !== 0n) continue;
    const next = maps[i + 1];
    if (m.end === m.start + size || (next && next.perms.startsWith('---') && next.start === m.end && next.end === m.start + size)) n++;
  }
  console.log(n);
  process.exit(0);
});
`;

/** How many malloc arenas beside the main one {@link COUNT_ARENAS} ends with under `MALLOC_ARENA_MAX=max` ('0': glibc's default). */
async function arenasOf(max: string): Promise<number> {
  const counted = await run(process.execPath, ['-e', COUNT_ARENAS], { env: { MALLOC_ARENA_MAX: max } });
  expect(counted.stderr).toBe('');
  return Number(counted.stdout.trim());
}

const UNIT = join(import.meta.dirname, '..', 'systemd', 'provd.service');
let dir: TestDir;
let unit: string;

beforeAll(async () => {
  dir = await testdir();
  // the analyzer checks that ExecStart exists: point it at this checkout's executable instead of /usr/local/bin/provd
  const text = await readFile(UNIT, 'utf8');
  expect(text).toMatch(/^ExecStart=\/usr\/local\/bin\/provd serve --config \/etc\/provd\/config\.yml$/m);
  unit = dir.join('provd.service');
  await writeFile(unit, text.replace('ExecStart=/usr/local/bin/provd ', `ExecStart=${PROVD_BIN} `));
});

afterAll(async () => {
  await dir.cleanup();
});

describe('the systemd unit', () => {
  it('passes systemd-analyze verify without a warning', async () => {
    const verified = await run('systemd-analyze', ['verify', unit]);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  });

  it('is refused by systemd-analyze verify when a directive is misspelt, so the check above means something', async () => {
    await writeFile(dir.join('bad.service'), (await readFile(unit, 'utf8')).replace('ProtectSystem=strict', 'ProtectSytem=strict'));
    expect((await run('systemd-analyze', ['verify', dir.join('bad.service')])).stderr).toContain("Unknown key 'ProtectSytem'");
  });

  it("sets NODE_OPTIONS that node accepts there, so the host starts (node refuses some of its options in NODE_OPTIONS)", async () => {
    const text = await readFile(unit, 'utf8');
    const options = /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(text)?.[1];
    expect(options).toMatch(/--max-old-space-size=\d+/);
    const started = await run(process.execPath, ['-e', 'console.log(require("node:v8").getHeapStatistics().heap_size_limit)'], { env: { NODE_OPTIONS: options ?? '' } });
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    // the old generation's limit is the one the unit sets (plus the young generation's)
    expect(Number(started.stdout) / 2 ** 20).toBeLessThan(600);
    // an option node refuses there fails the same way, so the check above means something
    const refused = await run(process.execPath, ['-e', '0'], { env: { NODE_OPTIONS: `${options} --no-parallel-scavenge` } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('is not allowed in NODE_OPTIONS');
  });

  it('caps the malloc arenas (MALLOC_ARENA_MAX), which glibc honours: threads that allocate share them', async () => {
    const max = /^Environment="?MALLOC_ARENA_MAX=(\d+)"?$/m.exec(await readFile(unit, 'utf8'))?.[1];
    expect(Number(max)).toBeGreaterThan(0);
    // the main arena is one of them
    expect(await arenasOf(max as string)).toBeLessThan(Number(max));
    // glibc's default (8 per core) gives the same threads more, so the check above means something
    expect(await arenasOf('0')).toBeGreaterThan(Number(max));
  });

  it('runs as its own user with the usual hardening, able to bind port 69 and nothing more', async () => {
    const security = await run('systemd-analyze', ['security', '--offline=yes', '--json=short', unit]);
    expect(security.code, security.stderr).toBe(0);
    const checks = new Map((JSON.parse(security.stdout) as { name: string; set: boolean }[]).map((c) => [c.name, c.set]));
    for (const name of ['User=/DynamicUser=', 'NoNewPrivileges=', 'ProtectSystem=', 'ProtectHome=', 'PrivateTmp=', 'PrivateDevices=', 'RestrictSUIDSGID=']) {
      expect(checks.get(name), name).toBe(true);
    }
    expect(checks.get('CapabilityBoundingSet=~CAP_SYS_ADMIN')).toBe(true);
    expect(checks.get('CapabilityBoundingSet=~CAP_NET_ADMIN')).toBe(true);
    const text = await readFile(unit, 'utf8');
    expect(text).toMatch(/^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/m);
    expect(text).toMatch(/^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
    // systemd's overall exposure score (0 safest, 10 worst): 2.0 or less is what it calls "OK"
    expect((await run('systemd-analyze', ['security', '--offline=yes', '--threshold=20', unit])).code).toBe(0);
  });
});
