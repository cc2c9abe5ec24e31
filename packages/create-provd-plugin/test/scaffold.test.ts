import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { generateFamily, npmRepositoryUrl, scaffold, validateAnswers, type Answers } from '../src/index';

// The command line as `pnpm create provd-plugin` runs it, and the build tool and host that build and render the result.
const createBin = join(repoRoot, 'packages', 'create-provd-plugin', 'bin', 'create-provd-plugin.js');
const buildBin = join(repoRoot, 'packages', 'build', 'dist', 'cli.js');
const provdBin = join(repoRoot, 'packages', 'host', 'dist', 'cli.js');

function run(bin: string, args: string[], cwd: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

const acme: Answers = { vendor: 'Acme', family: 'acme', models: ['A10', 'A20'], firmware: '1.0.0', layout: 'xml' };

/** Builds the family at `familyDir` (as its root) and renders its sample phone; returns the file written. */
function buildAndRender(familyDir: string, root: string, pluginId: string, file: string, families: string[] = []): string {
  const built = run(buildBin, ['build', ...families, '--root', root, '--out', join(familyDir, 'dist', 'repo'), '--plugins-dir', join(familyDir, 'dist', 'plugins')], familyDir);
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
  const out = join(familyDir, 'dist', 'rendered');
  const rendered = run(provdBin, ['render', join(familyDir, 'dist', 'plugins', pluginId), '--device', 'sample/device.json', '--config', 'sample/config.json', '--out', out, '--json'], familyDir);
  expect(rendered.stderr).toBe('');
  expect(rendered.status).toBe(0);
  expect(JSON.parse(rendered.stdout)).toMatchObject({ devices: 1, files: [file] });
  return join(out, file);
}

describe('the answers', () => {
  it('are checked all at once, each problem as "key: message"', () => {
    expect(validateAnswers(acme)).toEqual([]);
    const problems = validateAnswers({ vendor: '1Acme', family: 'Acme', models: ['A10', 'a10', 'x y'], firmware: 'v1', layout: 'json' as never });
    expect(problems).toEqual([
      expect.stringMatching(/^vendor: "1Acme" is not a usable vendor name/),
      expect.stringMatching(/^family: "Acme" is not a usable family name/),
      expect.stringMatching(/^models\[1\]: "a10" is given twice/),
      expect.stringMatching(/^models\[2\]: "x y" is not a usable model name/),
      expect.stringMatching(/^firmware: "v1" is not a usable firmware version/),
      expect.stringMatching(/^layout: "json" is not a layout/),
    ]);
  });
});

describe('create-provd-plugin, answers as flags (CI)', () => {
  it.each([
    ['xml', 'acme/00005e005301.xml'],
    ['kv', 'acme/00005e005301.cfg'],
  ] as const)('writes a folder of its own whose %s family builds and renders its golden file on the first run', async (layout, file) => {
    dir = await testdir();
    const r = run(createBin, ['plugin', '--vendor', 'Acme', '--models', 'A10,A20', '--layout', layout, '--json'], dir.path);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as { dir: string; placement: string; pluginId: string; files: string[] };
    expect(result).toMatchObject({ dir: dir.join('plugin'), placement: 'standalone', pluginId: 'acme-1.0.0' });
    expect(result.files).toEqual(expect.arrayContaining(['provd.family.ts', 'common/acme-plugin.ts', 'v1_0_0/entry.ts', 'test/plugin.test.ts', '.gitignore']));
    expect(result.files).not.toContain('v1_0_0/plugin-info');
    const pkg = JSON.parse(await readFile(dir.join('plugin', 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.devDependencies['@provd/testing']).toBe('^0.1.0');
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['build', 'test', 'render', 'dev']));
    // The plugin-info's capabilities follow the model table: give the A20 a third line before building.
    const models = dir.join('plugin', 'common', 'models.ts');
    await writeFile(models, (await readFile(models, 'utf8')).replace('"A20": { lines: 2 }', '"A20": { lines: 3 }'));
    const written = buildAndRender(dir.join('plugin'), dir.join('plugin'), 'acme-1.0.0', file);
    const golden = dir.join('plugin', 'test', 'golden', file.split('/')[1] as string);
    expect(await readFile(written, 'utf8')).toBe(await readFile(golden, 'utf8'));
    const db = JSON.parse(await readFile(dir.join('plugin', 'dist', 'repo', 'plugins.db'), 'utf8')) as Record<string, { description: string; capabilities: Record<string, { lines: number }> }>;
    expect(db['acme-1.0.0']?.description).toBe('Plugin for the Acme A10, A20 SIP phones, firmware 1.0.0.');
    expect(Object.entries(db['acme-1.0.0']?.capabilities ?? {}).map(([key, c]) => [key, c.lines])).toEqual([
      ['Acme, A10, 1.0.0', 2],
      ['Acme, A20, 1.0.0', 3],
    ]);
  });

  it('writes a template that real Jinja2 renders to the same golden file', async () => {
    dir = await testdir();
    for (const layout of ['xml', 'kv'] as const) {
      const files = generateFamily({ ...acme, layout }, { kind: 'standalone' });
      await writeFile(dir.join(`${layout}.tpl`), files['common/templates/base.tpl'] as string);
      // The context the plugin builds for the sample phone (its XX_lines helper is tested by the family's own tests).
      const context = {
        ntp_enabled: true,
        ntp_ip: '10.0.0.2',
        XX_model: 'A10',
        XX_version: '1.0.0',
        XX_lines: [
          { number: '1', display_name: 'Alice & Bob', username: '1001', auth_username: '1001', password: 'secret', proxy: '10.0.0.1:5060' },
          { number: '2', display_name: '1002', username: '1002', auth_username: '1002', password: 's3cret', proxy: '10.0.0.1:5070' },
        ],
      };
      const py = spawnSync(
        'python3',
        ['-c', 'import sys, json, jinja2; e = jinja2.Environment(loader=jinja2.FileSystemLoader(sys.argv[1])); sys.stdout.write(e.get_template(sys.argv[2]).render(json.loads(sys.argv[3])))', dir.path, `${layout}.tpl`, JSON.stringify(context)],
        { encoding: 'utf8' },
      );
      expect(py.stderr).toBe('');
      const golden = Object.entries(files).find(([name]) => name.startsWith('test/golden/'))?.[1];
      expect(py.stdout).toBe(golden);
    }
  });

  it('refuses missing answers off a terminal, bad answers and a non-empty folder, writing nothing', async () => {
    dir = await testdir({ 'taken/x': '' });
    const missing = run(createBin, ['one', '--vendor', 'Acme'], dir.path);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^create-provd-plugin: PROVD_CREATE_MISSING_ANSWERS: .*--models is missing/);
    const bad = run(createBin, ['two', '--vendor', 'Acme', '--models', 'A10', '--layout', 'json'], dir.path);
    expect(bad.stderr).toMatch(/PROVD_CREATE_INVALID_ANSWERS: .*layout: "json" is not a layout/);
    const taken = run(createBin, ['taken', '--vendor', 'Acme', '--models', 'A10'], dir.path);
    expect(taken.stderr).toMatch(/PROVD_CREATE_TARGET_NOT_EMPTY: the folder ".*taken" exists and is not empty/);
    expect((await readdir(dir.path)).sort()).toEqual(['taken']);
    expect(await readdir(dir.join('taken'))).toEqual(['x']);
  });
});

describe('create-provd-plugin on a terminal', () => {
  it('asks every question, explains a refused answer and asks it again, and takes the defaults', async () => {
    dir = await testdir();
    // `script` runs the command on a real pseudo-terminal and types what it reads from its input.
    const answers = '1bad\nAcme\n\nA10, A20\n\nkv\n';
    const r = spawnSync('script', ['-qec', `${process.execPath} ${createBin} typed`, '/dev/null'], { cwd: dir.path, encoding: 'utf8', input: answers });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"1bad" is not a usable vendor name');
    expect(r.stdout.match(/\? Vendor/g)).toHaveLength(2);
    for (const question of ['? Family name', '[acme]', '? Models', '? Firmware version of the first plugin [1.0.0]', '? File layout']) expect(r.stdout).toContain(question);
    expect(r.stdout).toContain('wrote the acme family (plugin acme-1.0.0');
    const device = JSON.parse(await readFile(dir.join('typed', 'sample', 'device.json'), 'utf8')) as Record<string, string>;
    expect(device).toEqual({ mac: '00:00:5e:00:53:01', vendor: 'Acme', model: 'A10', version: '1.0.0' });
    expect((await readdir(dir.join('typed', 'test', 'golden')))).toEqual(['00005e005301.cfg']);
  });
});

describe('create-provd-plugin inside the provd repository', () => {
  /** A stand-in for the repository root: what tells the scaffold it is inside it. */
  async function fakeRepository(): Promise<TestDir> {
    return testdir({
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
      'package.json': '{"name": "provd-monorepo", "private": true, "repository": {"type": "git", "url": "git+https://example.org/fork/provd.git"}}',
      'packages/sdk/package.json': '{"name": "@provd/sdk"}',
      'packages/plugin-other/provd.family.ts': "import { defineFamily } from '@provd/build';\nexport default defineFamily({ name: 'other', targets: [] });\n",
    });
  }

  it('writes a workspace package under packages/ that the repository build finds and renders', async () => {
    dir = await fakeRepository();
    await mkdir(dir.join('packages', 'sdk', 'src'), { recursive: true });
    const result = await scaffold({ cwd: dir.join('packages', 'sdk', 'src'), answers: { vendor: 'Acme', models: ['A10'], layout: 'kv' } });
    expect(result).toMatchObject({ dir: dir.join('packages', 'plugin-acme'), placement: 'workspace' });
    const pkg = JSON.parse(await readFile(dir.join('packages', 'plugin-acme', 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.devDependencies).toMatchObject({ '@provd/sdk': 'workspace:^', '@provd/testing': 'workspace:^' });
    // The repository is the one the root package.json names (a fork names itself), the family its folder.
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://example.org/fork/provd.git', directory: 'packages/plugin-acme' });
    expect(JSON.parse(await readFile(dir.join('packages', 'plugin-acme', 'tsconfig.json'), 'utf8'))).toMatchObject({ extends: '../../tsconfig.base.json' });
    expect(result.files).not.toContain('.gitignore');
    const written = buildAndRender(dir.join('packages', 'plugin-acme'), dir.path, 'acme-1.0.0', 'acme/00005e005301.cfg', ['acme']);
    expect(await readFile(written, 'utf8')).toContain('line1.username = 1001');
  });

  it('refuses a family name the repository already has', async () => {
    dir = await fakeRepository();
    await expect(scaffold({ cwd: dir.path, answers: { vendor: 'Other', models: ['O1'] } })).rejects.toMatchObject({
      code: 'PROVD_CREATE_FAMILY_EXISTS',
      message: expect.stringContaining('packages/plugin-other/provd.family.ts'),
    });
    expect(await readdir(dir.join('packages'))).toEqual(['plugin-other', 'sdk']);
  });

  it('makes a folder of its own with --standalone, or outside packages/ and examples/', async () => {
    dir = await fakeRepository();
    expect((await scaffold({ cwd: dir.path, standalone: true, answers: { vendor: 'Acme', models: ['A10'] } })).placement).toBe('standalone');
    expect((await scaffold({ cwd: dir.path, dir: 'tools/acme', answers: { vendor: 'Acme', models: ['A10'] } })).placement).toBe('standalone');
  });
});

describe('the repository field of a family of its own', () => {
  const git = (cwd: string, ...args: string[]): void => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  };

  it('is the origin of the git work tree the folder is made in, with the folder as directory', async () => {
    dir = await testdir({ 'phones/README.md': 'phones\n' });
    git(dir.join('phones'), 'init', '-q');
    git(dir.join('phones'), 'remote', 'add', 'origin', 'git@github.com:acme/phones.git');
    const result = await scaffold({ cwd: dir.join('phones'), dir: 'plugins/acme', answers: { vendor: 'Acme', models: ['A10'] } });
    expect(result.placement).toBe('standalone');
    const pkg = JSON.parse(await readFile(dir.join('phones', 'plugins', 'acme', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+ssh://git@github.com/acme/phones.git', directory: 'plugins/acme' });
  });

  it('is left out outside a git work tree, or when its origin is no URL', async () => {
    dir = await testdir({ 'local/README.md': 'x\n' });
    await scaffold({ cwd: dir.path, dir: 'alone', answers: { vendor: 'Acme', models: ['A10'] } });
    expect(JSON.parse(await readFile(dir.join('alone', 'package.json'), 'utf8'))).not.toHaveProperty('repository');
    git(dir.join('local'), 'init', '-q');
    git(dir.join('local'), 'remote', 'add', 'origin', '/srv/git/phones.git');
    await scaffold({ cwd: dir.join('local'), dir: 'acme', answers: { vendor: 'Acme', models: ['A10'] } });
    expect(JSON.parse(await readFile(dir.join('local', 'acme', 'package.json'), 'utf8'))).not.toHaveProperty('repository');
  });

  it('writes a remote in the form npm understands', () => {
    expect(
      ['https://github.com/acme/phones.git', 'git@github.com:acme/phones.git', 'ssh://git@host:2222/acme/phones.git', 'git+https://h/x.git', '/srv/git/x.git', 'file:///srv/x.git'].map(npmRepositoryUrl),
    ).toEqual(['git+https://github.com/acme/phones.git', 'git+ssh://git@github.com/acme/phones.git', 'git+ssh://git@host:2222/acme/phones.git', 'git+https://h/x.git', undefined, undefined]);
  });
});
