import { createHash } from 'node:crypto';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import type { TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRepository, currentSdkVersion, type BuildReporter } from '../src/index';
import { copyFixture, readTarGz, snapshot } from './helpers';

let dirs: TestDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => d.cleanup()));
  dirs = [];
});

async function fixture(name: string): Promise<{ root: string; tmp: TestDir }> {
  const { dir, root } = await copyFixture(name);
  dirs.push(dir);
  return { root, tmp: dir };
}

function collector(): BuildReporter & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, progress: () => undefined, warn: (m) => warnings.push(m) };
}

describe('build of a good fixture repository', () => {
  it('writes one tarball per target, plugins.db and the DHCP files, and nothing outside the output folder', async () => {
    const { root, tmp } = await fixture('good');
    const before = await snapshot(root);
    const result = await buildRepository({ root, out: '../out', includeExamples: true });
    expect(result.errors.map((e) => e.message)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.families).toEqual(['acme', 'tiny']);
    expect(await snapshot(root)).toEqual(before);
    expect(await readdir(tmp.path)).toEqual(['out', 'repo']);
    expect((await readdir(tmp.join('out'))).sort()).toEqual(['acme-1.0-1.0.0.tar.gz', 'acme-2.0-2.0.0.tar.gz', 'dhcp', 'plugins.db', 'tiny-1-1.2.10.tar.gz']);
    expect((await readdir(tmp.join('out', 'dhcp'))).sort()).toEqual(['isc-dhcpd.conf', 'kea-dhcp4-classes.json']);
    expect(result.written.sort()).toEqual(
      ['acme-1.0-1.0.0.tar.gz', 'acme-2.0-2.0.0.tar.gz', 'dhcp/isc-dhcpd.conf', 'dhcp/kea-dhcp4-classes.json', 'plugins.db', 'tiny-1-1.2.10.tar.gz'].sort(),
    );
  });

  it('builds only the families under packages/ when none is named, examples only when named or asked for', async () => {
    const { root, tmp } = await fixture('good');
    const result = await buildRepository({ root, out: '../out' });
    expect(result.ok).toBe(true);
    expect(result.families).toEqual(['acme']);
    expect((await readdir(tmp.join('out'))).sort()).toEqual(['acme-1.0-1.0.0.tar.gz', 'acme-2.0-2.0.0.tar.gz', 'dhcp', 'plugins.db']);
    const kea = await readFile(tmp.join('out', 'dhcp', 'kea-dhcp4-classes.json'), 'utf8');
    expect(kea).toContain('provd-acme');
    expect(kea).not.toContain('provd-tiny');
    const named = await buildRepository({ root, out: '../named', families: ['tiny'] });
    expect(named.families).toEqual(['tiny']);
    expect((await readdir(tmp.join('named'))).sort()).toEqual(['dhcp', 'plugins.db', 'tiny-1-1.2.10.tar.gz']);
    const check = await buildRepository({ root, out: '../unused', checkOnly: true });
    expect(check.families).toEqual(['acme', 'tiny']);
  });

  it('indexes every tarball in plugins.db with the whole plugin-info, filename, dsize, sha1sum and sha256', async () => {
    const { root, tmp } = await fixture('good');
    await buildRepository({ root, out: '../out', includeExamples: true });
    const text = await readFile(tmp.join('out', 'plugins.db'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toContain('\n ');
    const db = JSON.parse(text) as Record<string, Record<string, unknown>>;
    expect(Object.keys(db)).toEqual(['acme-1.0', 'acme-2.0', 'tiny-1']);
    for (const [id, entry] of Object.entries(db)) {
      const bytes = await readFile(tmp.join('out', String(entry.filename)));
      expect(entry.filename).toBe(`${id}-${String(entry.version)}.tar.gz`);
      expect(entry.dsize).toBe(bytes.length);
      expect(entry.sha1sum).toBe(createHash('sha1').update(bytes).digest('hex'));
      expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(entry.capabilities).toBeTypeOf('object');
    }
    expect(db['acme-1.0']?.description).toBe('Acme fixture 1.0');
    expect(db['acme-1.0']?.sdk).toBe(`^${currentSdkVersion()}`);
    expect(db['acme-2.0']?.sdk).toBe('>=0.1.0');
  });

  it('writes an indented plugins.db with --pretty', async () => {
    const { root, tmp } = await fixture('good');
    await buildRepository({ root, out: '../out', pretty: true });
    expect(await readFile(tmp.join('out', 'plugins.db'), 'utf8')).toMatch(/^\{\n {4}"acme-1\.0": \{\n {8}"capabilities"/);
  });

  it('layers the sources, applies the filters, adds the standard folders and bundles the entry', async () => {
    const { root, tmp } = await fixture('good');
    await buildRepository({ root, out: '../out' });
    const v1 = await readTarGz(tmp.join('out', 'acme-1.0-1.0.0.tar.gz'));
    const names = v1.map((e) => e.name);
    expect(names).toEqual([
      'acme-1.0/',
      'acme-1.0/README.md',
      'acme-1.0/bin/',
      'acme-1.0/bin/tool.sh',
      'acme-1.0/entry.js',
      'acme-1.0/plugin-info',
      'acme-1.0/templates/',
      'acme-1.0/templates/base.tpl',
      'acme-1.0/templates/old.tpl',
      'acme-1.0/var/',
      'acme-1.0/var/cache/',
      'acme-1.0/var/installed/',
      'acme-1.0/var/templates/',
      'acme-1.0/var/tftpboot/',
      'acme-1.0/var/tftpboot/AcmeFix/',
    ]);
    const file = (name: string): string => v1.find((e) => e.name === name)?.data.toString('utf8') ?? '';
    expect(file('acme-1.0/templates/base.tpl')).toContain('v1 base');
    const entry = file('acme-1.0/entry.js');
    expect(entry).toContain('from "@provd/sdk"');
    expect(entry).toContain('AcmeFix/');
    expect(entry).toMatch(/export \{\s*AcmePlugin as default\s*\}/);
    const info = JSON.parse(file('acme-1.0/plugin-info')) as Record<string, unknown>;
    expect(info.version).toBe('1.0.0');
    for (const e of v1) {
      expect({ uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, mtime: e.mtime }).toEqual({
        uid: 0,
        gid: 0,
        uname: 'root',
        gname: 'root',
        mtime: Date.UTC(2000, 0, 1),
      });
      expect(e.mode).toBe(e.type === 'directory' ? 0o755 : 0o644);
    }

    const v2 = (await readTarGz(tmp.join('out', 'acme-2.0-2.0.0.tar.gz'))).map((e) => e.name);
    expect(v2).toContain('acme-2.0/templates/base.tpl');
    expect(v2).toContain('acme-2.0/templates/A1.tpl');
    expect(v2).toContain('acme-2.0/templates/A2.tpl');
    expect(v2).toContain('acme-2.0/pkgs/pkgs.db');
    expect(v2).not.toContain('acme-2.0/templates/old.tpl');
  });

  it('keeps the executable bit of a source file as mode 0755', async () => {
    const { root, tmp } = await fixture('good');
    const { chmod } = await import('node:fs/promises');
    await chmod(`${root}/packages/acme/common/bin/tool.sh`, 0o755);
    await buildRepository({ root, out: '../out' });
    const entries = await readTarGz(tmp.join('out', 'acme-1.0-1.0.0.tar.gz'));
    expect(entries.find((e) => e.name === 'acme-1.0/bin/tool.sh')?.mode).toBe(0o755);
  });

  it('gives byte-identical tarballs, plugins.db and DHCP files from two copies of the sources', async () => {
    const a = await fixture('good');
    const b = await fixture('good');
    await buildRepository({ root: a.root, out: '../out', includeExamples: true });
    await buildRepository({ root: b.root, out: '../elsewhere/out', includeExamples: true });
    const outA = a.tmp.join('out');
    const outB = b.tmp.join('elsewhere', 'out');
    expect(await snapshot(outA)).toEqual(await snapshot(outB));
    expect(Object.keys(await snapshot(outA))).toHaveLength(7);
  });

  it('also writes the unpacked plugin folders with --plugins-dir, holding what the tarballs hold', async () => {
    const { root, tmp } = await fixture('good');
    await buildRepository({ root, out: '../out', pluginsDir: '../plugins', families: ['tiny'] });
    await buildRepository({ root, out: '../out', pluginsDir: '../plugins', families: ['tiny'] });
    expect(await readdir(tmp.join('plugins'))).toEqual(['tiny-1']);
    const folder = await snapshot(tmp.join('plugins'));
    const tarball = await readTarGz(tmp.join('out', 'tiny-1-1.2.10.tar.gz'));
    expect(Object.keys(folder).sort()).toEqual(tarball.map((e) => e.name).sort());
    expect(await readFile(tmp.join('plugins', 'tiny-1', 'entry.js'))).toEqual(tarball.find((e) => e.name === 'tiny-1/entry.js')?.data);
  });

  it('builds only the named families', async () => {
    const { root, tmp } = await fixture('good');
    const result = await buildRepository({ root, out: '../out', families: ['tiny'] });
    expect(result.ok).toBe(true);
    expect(result.plugins.map((p) => p.pluginId)).toEqual(['tiny-1']);
    expect(Object.keys(JSON.parse(await readFile(tmp.join('out', 'plugins.db'), 'utf8')) as object)).toEqual(['tiny-1']);
    // The DHCP files describe every family of the repository, built now or earlier.
    expect(await readFile(tmp.join('out', 'dhcp', 'isc-dhcpd.conf'), 'utf8')).toContain('class "provd-acme"');
  });

  it('fails with PROVD_BUILD_FAMILY_NOT_FOUND for an unknown family name, writing nothing', async () => {
    const { root, tmp } = await fixture('good');
    const result = await buildRepository({ root, out: '../out', families: ['nope'] });
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.code)).toEqual(['PROVD_BUILD_FAMILY_NOT_FOUND']);
    // The message names the family, the places searched (the root itself too) and the names it could have meant.
    expect(result.errors[0]?.message).toBe(
      `no plugin family is named "nope": looked for "${root}/provd.family.ts", "${root}/packages/*/provd.family.ts" and ` +
        `"${root}/examples/*/provd.family.ts"; the families found there are "acme", "tiny": name one of them (the "name" of a ` +
        'family file, not its folder), or declare it with defineFamily({ name: "nope", ... }) in one of those places',
    );
    expect(await readdir(tmp.path)).toEqual(['repo']);
  });

  it('says where it looked when a repository has no family at all', async () => {
    const { root } = await fixture('good');
    const result = await buildRepository({ root: `${root}/packages`, out: '../../out', families: ['acme'] });
    expect(result.errors.map((e) => e.code)).toEqual(['PROVD_BUILD_FAMILY_NOT_FOUND']);
    expect(result.errors[0]?.message).toContain(`looked for "${root}/packages/provd.family.ts", "${root}/packages/packages/*/provd.family.ts" and`);
    expect(result.errors[0]?.message).toContain('; no family file was found there, or declare it with defineFamily({ name: "acme", ... })');
  });

  it('succeeds without writing anything when the repository has no family', async () => {
    const { root, tmp } = await fixture('good');
    // packages/ itself holds no provd.family.ts, and no packages/ or examples/ of its own.
    const result = await buildRepository({ root: `${root}/packages`, out: '../../out' });
    expect(result).toMatchObject({ ok: true, familiesFound: 0, plugins: [], written: [] });
    expect(await readdir(tmp.path)).toEqual(['repo']);
  });

  it('builds a family at the root of a folder of its own, as create-provd-plugin writes it outside the repository', async () => {
    const { root, tmp } = await fixture('good');
    const result = await buildRepository({ root: `${root}/packages/acme`, out: '../../../out' });
    expect(result).toMatchObject({ ok: true, familiesFound: 1 });
    expect(result.plugins.length).toBeGreaterThan(0);
    expect((await readdir(tmp.join('out'))).filter((f) => f.endsWith('.tar.gz'))).toEqual(result.plugins.map((p) => p.filename).sort());
  });

  it('keeps the highest version when the folder holds another tarball of a plugin, warning with both names', async () => {
    const { root, tmp } = await fixture('good');
    const info = `${root}/examples/tiny/src/plugin-info`;
    const { writeFile } = await import('node:fs/promises');
    const original = await readFile(info, 'utf8');
    await writeFile(info, original.replace('1.2.10', '1.2.9'));
    await buildRepository({ root, out: '../out', families: ['tiny'] });
    await writeFile(info, original);
    const reporter = collector();
    await buildRepository({ root, out: '../out', families: ['tiny'], reporter });
    const db = JSON.parse(await readFile(tmp.join('out', 'plugins.db'), 'utf8')) as Record<string, { version: string }>;
    expect(db['tiny-1']?.version).toBe('1.2.10');
    expect(reporter.warnings).toHaveLength(1);
    expect(reporter.warnings[0]).toContain('"tiny-1-1.2.9.tar.gz"');
    expect(reporter.warnings[0]).toContain('"tiny-1-1.2.10.tar.gz"');
    // Rebuilding 1.2.9 does not take the index back to the lower version.
    await writeFile(info, original.replace('1.2.10', '1.2.9'));
    await buildRepository({ root, out: '../out', families: ['tiny'] });
    expect((JSON.parse(await readFile(tmp.join('out', 'plugins.db'), 'utf8')) as Record<string, { version: string }>)['tiny-1']?.version).toBe('1.2.10');
  });

  it('checks without writing anything (provd-build check)', async () => {
    const { root, tmp } = await fixture('good');
    const result = await buildRepository({ root, out: '../out', checkOnly: true });
    expect(result.ok).toBe(true);
    expect(result.plugins).toHaveLength(3);
    expect(await readdir(tmp.path)).toEqual(['repo']);
    expect((await stat(root)).isDirectory()).toBe(true);
  });
});

describe('a plugin-info declared by the family file (pluginInfo)', () => {
  const CAPS = "{ lines: LINES[m], function_keys: 0, expansion_modules: 0, high_availability: false, switchboard: false, type: 'deskphone', protocol: 'sip' }";
  /** The tiny example family, its plugin-info derived from a model table with `capabilitiesOf`. */
  const derivedFamily = (extra = ''): string =>
    [
      "import { capabilitiesOf, defineFamily } from '@provd/build';",
      'const LINES = { T1: 1, T2: 2 } as const;',
      'const MODELS = Object.keys(LINES) as (keyof typeof LINES)[];',
      'export default defineFamily({',
      "  name: 'tiny',",
      '  targets: [{',
      "    id: '1', pluginId: 'tiny-1', sources: ['src'],",
      `    pluginInfo: { version: '1.3.0', description: 'Tiny ' + MODELS.join(', '), ${extra}capabilities: capabilitiesOf({ vendor: 'Tiny', version: '1', models: MODELS, capabilities: (m) => (${CAPS}) }) },`,
      '  }],',
      '});',
      '',
    ].join('\n');

  it('is written as two-space JSON with the sdk range added, in place of a source file', async () => {
    const { root, tmp } = await fixture('good');
    await writeFile(`${root}/examples/tiny/provd.family.ts`, derivedFamily());
    await rm(`${root}/examples/tiny/src/plugin-info`);
    const result = await buildRepository({ root, out: '../out', families: ['tiny'] });
    expect(result.errors).toEqual([]);
    const tarball = await readTarGz(tmp.join('out', 'tiny-1-1.3.0.tar.gz'));
    const cap = { function_keys: 0, expansion_modules: 0, high_availability: false, switchboard: false, type: 'deskphone', protocol: 'sip' };
    const expected = {
      version: '1.3.0',
      description: 'Tiny T1, T2',
      capabilities: { 'Tiny, T1, 1': { lines: 1, ...cap }, 'Tiny, T2, 1': { lines: 2, ...cap } },
      sdk: `^${currentSdkVersion()}`,
    };
    expect(tarball.find((e) => e.name === 'tiny-1/plugin-info')?.data.toString('utf8')).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    expect(JSON.parse(await readFile(tmp.join('out', 'plugins.db'), 'utf8'))['tiny-1']).toMatchObject(expected);
  });

  it('is refused when a source folder holds a plugin-info too, naming both', async () => {
    const { root } = await fixture('good');
    await writeFile(`${root}/examples/tiny/provd.family.ts`, derivedFamily());
    const result = await buildRepository({ root, out: '../out', families: ['tiny'] });
    expect(result.errors.map((e) => [e.code, e.message])).toEqual([
      [
        'PROVD_BUILD_PLUGIN_INFO_TWICE',
        'family "tiny", target "1": the plugin-info is declared twice, by "pluginInfo" in examples/tiny/provd.family.ts and by the file examples/tiny/src/plugin-info; remove one of them',
      ],
    ]);
  });

  it('is checked against the schema like a file, the message naming the declaration', async () => {
    const { root } = await fixture('good');
    await writeFile(`${root}/examples/tiny/provd.family.ts`, derivedFamily("sdk: '^9.0.0', "));
    await rm(`${root}/examples/tiny/src/plugin-info`);
    const result = await buildRepository({ root, out: '../out', families: ['tiny'] });
    expect(result.errors.map((e) => e.code)).toEqual(['PROVD_BUILD_SDK_RANGE']);
    expect(result.errors[0]?.message).toContain('examples/tiny/provd.family.ts (pluginInfo of target "1"): "sdk" is "^9.0.0"');
  });
});
