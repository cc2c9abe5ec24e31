import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack, publishedPackages, run, type RunResult } from '../src/index';

// What a plugin author outside this repository gets: the packed tarballs of every published package, the scaffold
// run from its tarball into a folder outside the workspace, and that family installed, built, type-checked, tested
// and rendered there with nothing from the workspace but those tarballs (third-party packages come from the pnpm
// store, or the registry when the store lacks them).
const packages = publishedPackages(repoRoot);
let work: string;
const tarballs = new Map<string, string>();

/** Tells what a failed command printed. */
function ok(r: RunResult, what: string): RunResult {
  if (r.status !== 0) throw new Error(`${what} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The tarball of every published package, as pnpm overrides: the project installs them instead of the registry's. */
const overrides = (): Record<string, string> => Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));

/** Adds the overrides to a project's package.json (the only change a project needs before the packages are published). */
async function useTarballs(dir: string): Promise<void> {
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;
  pkg.pnpm = { ...pkg.pnpm, overrides: overrides() };
  await writeFile(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

const install = (dir: string): RunResult => ok(run('pnpm', ['install', '--prefer-offline', '--reporter=append-only', '--config.confirmModulesPurge=false'], dir), `pnpm install in ${dir}`);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'provd-packed-'));
  for (const pkg of packages) {
    for (const file of ['dist/index.js', 'dist/index.d.ts']) {
      if (pkg.manifest.exports?.['.'] === undefined) continue;
      const r = run('test', ['-f', join(repoRoot, pkg.dir, file)], repoRoot);
      if (r.status !== 0) throw new Error(`${pkg.name} is not built (${pkg.dir}/${file} is missing): run "pnpm build" first`);
    }
    tarballs.set(pkg.name, pack(repoRoot, pkg, work));
  }
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it.each(packages.map((p) => [p.name, p] as const))('%s holds its build, licence and changelog, no sources, and no workspace ranges', async (name, pkg) => {
    const file = tarballs.get(name) as string;
    const listing = ok(run('tar', ['tzf', file], work), `tar tzf ${file}`).stdout.split('\n').filter(Boolean);
    expect(listing).toEqual(expect.arrayContaining(['package/package.json', 'package/LICENSE', 'package/CHANGELOG.md', 'package/dist/index.js']));
    expect(listing.filter((f) => f.startsWith('package/src/') || f.includes('.test.'))).toEqual([]);
    const manifest = JSON.parse(ok(run('tar', ['xzf', file, '-O', 'package/package.json'], work), 'tar').stdout) as Record<string, any>;
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      expect(JSON.stringify(manifest[field] ?? {})).not.toContain('workspace:');
    }
    const targets = [...JSON.stringify(manifest.exports).matchAll(/"\.\/([^"]+)"/g)].map((m) => `package/${m[1]}`).filter((f) => f !== 'package/package.json');
    const bins = Object.values((manifest.bin ?? {}) as Record<string, string>).map((b) => `package/${b.replace(/^\.\//, '')}`);
    expect([...targets, ...bins].filter((f) => !listing.includes(f))).toEqual([]);
    expect(pkg.version).toBe(manifest.version);
  });
});

describe('a family scaffolded outside the workspace from the packed tarballs only', () => {
  let family: string;

  beforeAll(async () => {
    // `pnpm create provd-plugin` installs create-provd-plugin and runs its bin: the same, from its tarball.
    const runner = join(work, 'runner');
    ok(run('mkdir', ['-p', runner], work), 'mkdir');
    await writeFile(join(runner, 'package.json'), JSON.stringify({ name: 'runner', private: true, dependencies: { 'create-provd-plugin': `file:${tarballs.get('create-provd-plugin')}` }, pnpm: { overrides: overrides() } }));
    install(runner);
    family = join(work, 'provd-plugin-acme');
    const created = ok(run(join(runner, 'node_modules', '.bin', 'create-provd-plugin'), [family, '--vendor', 'Acme', '--models', 'A10,A20', '--layout', 'xml', '--json'], work), 'create-provd-plugin');
    expect(JSON.parse(created.stdout)).toMatchObject({ placement: 'standalone', pluginId: 'acme-1.0.0' });
    await useTarballs(family);
    install(family);
  });

  it('builds its plugin repository', async () => {
    ok(run('pnpm', ['run', 'build'], family), 'pnpm run build');
    const db = JSON.parse(await readFile(join(family, 'dist', 'repo', 'plugins.db'), 'utf8')) as Record<string, { filename: string }>;
    expect(db['acme-1.0.0']?.filename).toBe('acme-1.0.0-0.1.0.tar.gz');
    expect(await readFile(join(family, 'dist', 'repo', 'dhcp', 'isc-dhcpd.conf'), 'utf8')).toContain('"Acme-"');
  });

  it('type-checks and passes its own tests', () => {
    ok(run('pnpm', ['run', 'typecheck'], family), 'pnpm run typecheck');
    const tested = ok(run('pnpm', ['run', 'test'], family, { CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }), 'pnpm run test');
    expect(`${tested.stdout}${tested.stderr}`).toMatch(/Tests\s+6 passed \(6\)/);
  });

  it('renders its sample phone as its golden file says', async () => {
    ok(run('pnpm', ['run', 'render'], family), 'pnpm run render');
    expect(await readFile(join(family, 'dist', 'rendered', 'acme', '00005e005301.xml'), 'utf8')).toBe(await readFile(join(family, 'test', 'golden', '00005e005301.xml'), 'utf8'));
  });

  it('resolves @provd/* to the packed tarballs, never to the workspace', async () => {
    for (const name of ['@provd/sdk', '@provd/build', '@provd/host', '@provd/testing']) {
      // pnpm puts a tarball dependency under node_modules/.pnpm/<name>@file+<path of the tarball>/.
      const real = await realpath(join(family, 'node_modules', name));
      expect(real.startsWith(repoRoot), `${name} at ${real}`).toBe(false);
      expect(real, name).toContain(`${name.replace('/', '+')}@file+`);
    }
    const lock = await readFile(join(family, 'pnpm-lock.yaml'), 'utf8');
    expect(lock).not.toContain('link:');
  });
});
