import { spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture } from './helpers';

// The command line as `pnpm build-plugins` runs it: the built bin of this package.
const bin = join(repoRoot, 'packages', 'build', 'dist', 'cli.js');

let dirs: TestDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => d.cleanup()));
  dirs = [];
});

function run(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('provd-build command line', () => {
  it('builds the families of the current folder into --out and exits 0, with no progress when stderr is not a terminal', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    const r = run(['build', '--out', '../out', '--pretty'], root);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('built 2 plugins of 1 family into ../out\n');
    const all = run(['build', '--examples', '--out', '../all'], root);
    expect(all.stdout).toBe('built 3 plugins of 2 families into ../all\n');
    expect(await readFile(dir.join('out', 'plugins.db'), 'utf8')).toMatch(/^\{\n {4}"acme-1\.0"/);
  });

  it('prints exactly one JSON document with --json', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    const r = run(['build', 'tiny', '--out', '../out', '--json'], root);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; plugins: { pluginId: string }[]; written: string[] };
    expect(doc.ok).toBe(true);
    expect(doc.plugins.map((p) => p.pluginId)).toEqual(['tiny-1']);
    expect(doc.written).toContain('plugins.db');
  });

  it('reports every problem as one "provd: CODE: message" line and exits 1', async () => {
    const { dir, root } = await copyFixture('broken/targets');
    dirs.push(dir);
    const r = run(['build', '--out', '../out'], root);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(10);
    for (const line of lines) expect(line).toMatch(/^provd: PROVD_BUILD_[A-Z_]+: /);
    expect(lines.at(-1)).toBe('provd: PROVD_BUILD_FAILED: 9 problems found (listed above); nothing was written to "../out"');
    expect(await readdir(dir.path)).toEqual(['repo']);
  });

  it('exits 0 when there is no family to build', async () => {
    const { dir } = await copyFixture('good');
    dirs.push(dir);
    const r = run(['build', '--out', 'out'], dir.path);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no plugin family found');
    expect(await readdir(dir.path)).toEqual(['repo']);
  });

  it('shows progress on stderr when it is a terminal', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    // `script` runs the command on a pseudo-terminal and copies what it prints.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} build tiny --out ../out 2>&1 >/dev/null`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('checking tiny 1');
    expect(r.stdout).toContain('packing tiny-1-1.2.10.tar.gz');
    expect(r.stdout).toContain('\r\x1b[K');
  });

  it('resolves --out, --sign and --bundle against the current folder, not --root', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    expect(run(['keygen', 'k'], dir.path).status).toBe(0);
    const r = run(['build', 'tiny', '--root', root, '--out', 'out', '--sign', 'k.pem', '--bundle', 'b.zip', '--plugins-dir', 'plugins'], dir.path);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((await readdir(dir.path)).sort()).toEqual(['b.zip', 'k.pem', 'k.pub.pem', 'out', 'plugins', 'repo']);
  });

  it('reports a repository folder that does not exist', async () => {
    const { dir } = await copyFixture('good');
    dirs.push(dir);
    for (const args of [['reindex', 'nowhere'], ['bundle', 'nowhere']]) {
      const r = run(args, dir.path);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^provd: PROVD_BUILD_REPO_UNREADABLE: cannot read the plugin repository folder "nowhere"/);
    }
  });

  it('exits 2 on bad usage', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    expect(run(['build', '--no-such-option'], root).status).toBe(2);
    expect(run(['frobnicate'], root).status).toBe(2);
    expect(run(['reindex'], root).status).toBe(2);
  });

  it('promotes tarballs into a channel folder and indexes it', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    expect(run(['build', '--examples', '--out', '../testing'], root).status).toBe(0);
    const r = run(['promote', dir.join('testing', 'tiny-1-1.2.10.tar.gz'), '--to', dir.join('stable')], root);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((await readdir(dir.join('stable'))).sort()).toEqual(['plugins.db', 'tiny-1-1.2.10.tar.gz']);
    expect(run(['promote', dir.join('testing', 'plugins.db'), '--to', dir.join('stable')], root).status).toBe(1);
    expect(run(['promote', dir.join('testing', 'tiny-1-1.2.10.tar.gz')], root).status).toBe(2);
  });

  it('checks families without writing and exits 1 on problems', async () => {
    const { dir, root } = await copyFixture('broken/dhcp');
    dirs.push(dir);
    const r = run(['check', '--json'], root);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; errors: { code: string; file?: string }[] };
    expect(doc.errors).toEqual([expect.objectContaining({ code: 'PROVD_BUILD_DHCP_INVALID', file: 'packages/x/provd.family.ts' })]);
    expect(await readdir(dir.path)).toEqual(['repo']);
  });

  it('makes keys, signs on reindex and writes an offline bundle', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    expect(run(['keygen', dir.join('k')], root).status).toBe(0);
    expect(run(['build', '--examples', '--out', '../out'], root).status).toBe(0);
    const r = run(['reindex', dir.join('out'), '--sign', dir.join('k.pem')], root);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`indexed 3 plugins in ${dir.join('out')}\n`);
    expect(await readdir(dir.join('out'))).toContain('plugins.db.sig');
    expect(run(['bundle', dir.join('out'), '--out', dir.join('b.zip')], root).status).toBe(0);
    expect(await readdir(dir.path)).toEqual(['b.zip', 'k.pem', 'k.pub.pem', 'out', 'repo']);
    await writeFile(dir.join('bad.pem'), 'x');
    const bad = run(['reindex', dir.join('out'), '--sign', dir.join('bad.pem')], root);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^provd: PROVD_BUILD_SIGN_KEY_INVALID: /);
  });
});
