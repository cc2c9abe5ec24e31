import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFilter } from '../../src/filters';

let dir: TestDir;
let bomb: string;

beforeAll(async () => {
  dir = await testdir();
  // 96 MiB of zeros in one file: a 7z of about 15 KB
  await mkdir(dir.join('src'), { recursive: true });
  execFileSync('dd', ['if=/dev/zero', `of=${dir.join('src', 'fw.bin')}`, 'bs=1M', 'count=96', 'status=none'], { stdio: 'ignore' });
  execFileSync('7z', ['a', '-bd', '-mx=1', dir.join('in', 'fw.7z'), 'fw.bin'], { cwd: dir.join('src'), stdio: 'ignore' });
}, 60_000);

afterAll(async () => {
  await dir.cleanup();
});

/** Every byte under `path`. */
async function bytesUnder(path: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(path, { recursive: true, withFileTypes: true }).catch(() => [])) if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  return total;
}

/** Runs `7z *.7z` on the bomb with `limits`, the scratch folders under `<dir>/work-<n>`; resolves to the error and the bytes left on disk. */
async function unpack(n: number, limits: { maxEntrySize?: number; maxTotalSize?: number }): Promise<{ error: unknown; written: number }> {
  const work = dir.join(`work-${n}`);
  await mkdir(join(work, 'out'), { recursive: true });
  const error = await runFilter({
    pkg: 'p',
    step: { from: 'a', to: 'b', command: '7z', args: ['*.7z'], source: { file: 'x' }, text: 'a-b: 7z *.7z' },
    input: dir.join('in'),
    output: join(work, 'out'),
    placeMode: 'link',
    scratch: () => mkdtemp(join(work, 'tmp-')),
    limits,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, written: await bytesUnder(work) };
}

describe('a 7z archive that unpacks far past the bounds', () => {
  it(`is stopped while it unpacks when past the total bound (8 MiB of 96), and leaves nothing`, async () => {
    expect((await stat(dir.join('in', 'fw.7z'))).size).toBeLessThan(100_000);
    const { error, written } = await unpack(1, { maxTotalSize: 8 * 1024 * 1024 });
    expect((error as { code?: string }).code).toBe('PROVD_FETCHFW_STEP_FAILED');
    expect((error as Error).message).toContain('was stopped while unpacking: it unpacks to more than 8388608 bytes');
    expect(written).toBe(0);
  }, 60_000);

  it('is stopped by the entry bound (4 MiB) as the file grows past it', async () => {
    const { error, written } = await unpack(2, { maxEntrySize: 4 * 1024 * 1024 });
    expect((error as Error).message).toContain('was stopped while unpacking: an entry unpacks to more than 4194304 bytes');
    expect(written).toBe(0);
  }, 60_000);

  it('unpacks it within bounds that hold it', async () => {
    const { error, written } = await unpack(3, { maxTotalSize: 128 * 1024 * 1024 });
    expect(error).toBeUndefined();
    expect(written).toBe(96 * 1024 * 1024);
  }, 60_000);
});
