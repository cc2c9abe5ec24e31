import { describe, expect, it } from 'vitest';
import { definePackages } from '@provd/sdk';
import { compareVersions, formatDiagnostic, formatPkgsDb, manifestFromDeclaration, parsePkgsDb } from '../src/index';
import { resolvePackageSteps } from '../src/manifest-validate';
import { substitute } from '../src/subst';

const errorsOf = (text: string) => parsePkgsDb([{ file: 'pkgs/pkgs.db', text }]).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

const GOOD = `[pkg_fw]
description: Firmware
version: 1.0
files: f1 f2
install: g KX-UT113

[install_g]
a-b: unzip $FILE1
b-c: cp */Binary/$ARG1 \${FILE2}.d/

[file_f1]
url: http://example.org/dir/fw.zip?x=1
size: 10
sha1sum: ${'a'.repeat(40)}

[file_f2]
url:
filename: second.bin
size: 20
sha1sum: ${'B'.repeat(40)}
`;

describe('reading pkgs.db', () => {
  it('reads packages, files and graphs, and substitutes $FILEn and $ARGn', () => {
    const { manifest, diagnostics } = parsePkgsDb([{ file: 'pkgs/pkgs.db', text: GOOD }]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(manifest.files['f1']).toMatchObject({ filename: 'fw.zip', size: 10, url: 'http://example.org/dir/fw.zip?x=1', downloader: 'default' });
    expect(manifest.files['f2']).toMatchObject({ filename: 'second.bin', sha1: 'b'.repeat(40) });
    expect(manifest.files['f2']?.url).toBeUndefined();
    const steps = resolvePackageSteps(manifest, manifest.packages['fw']!).steps.map((s) => s.text);
    expect(steps).toEqual(['a-b: unzip fw.zip', 'b-c: cp */Binary/KX-UT113 second.bin.d/']);
  });

  it('joins continuation lines, lower-cases keys and ignores comment lines', () => {
    const { manifest } = parsePkgsDb([{ file: 'p', text: GOOD.replace('b-c: cp */Binary/$ARG1 ${FILE2}.d/', '; a comment\nB-C: cp one\n    two\n      dst/') }]);
    expect(manifest.graphs['g']?.steps[1]).toMatchObject({ from: 'b', to: 'c', command: 'cp', args: ['one', 'two', 'dst/'] });
  });

  it('names file, line, section and key for each problem', () => {
    expect(errorsOf(GOOD.replace('a-b: unzip $FILE1', 'a-b: unpack $FILE1'))).toEqual([
      'pkgs/pkgs.db:8 [install_g] a-b: unknown install command "unpack"; use one of untar, unzip, unrar, 7z, unsign, include, exclude, cp, null',
    ]);
    expect(errorsOf(GOOD.replace('a-b: unzip $FILE1', 'a-b: unzip $FILE1 extra'))).toEqual(['pkgs/pkgs.db:8 [install_g] a-b: "unzip" takes 1 argument (unzip <glob>), got 2']);
    expect(errorsOf(GOOD.replace('b-c:', 'x-c:'))).toEqual([expect.stringMatching(/^pkgs\/pkgs\.db:9 \[install_g\] x-c: step reads node "x", which no step of "\[install_g\]" produces/)]);
    expect(errorsOf(GOOD.replace('files: f1 f2', 'files: f1 f3'))).toEqual([
      expect.stringMatching(/^pkgs\/pkgs\.db:1 \[pkg_fw\] files: file "f3" is referenced but not defined; add a "\[file_f3\]" section/),
      expect.stringMatching(/\[pkg_fw\] install: step "b-c" of "\[install_g\]": undefined variable "\$FILE2"/),
    ]);
    // No install key: accepted, as by the established installer (a warning; see established-records.test.ts).
    expect(errorsOf(GOOD.replace('install: g KX-UT113\n', ''))).toEqual([]);
    expect(errorsOf(GOOD.replace('install: g KX-UT113', 'install: h'))).toEqual([expect.stringMatching(/^pkgs\/pkgs\.db:1 \[pkg_fw\] install: install graph "h" is not defined/)]);
    expect(errorsOf(GOOD.replace('a-b: unzip', 'a-b-c: unzip'))).toContainEqual('pkgs/pkgs.db:8 [install_g] a-b-c: step name "a-b-c" must be "<input>-<output>" with exactly one "-" (e.g. "a-b")');
    expect(errorsOf(GOOD.replace('b-c: cp', 'b-a: cp'))).toContainEqual(expect.stringMatching(/\[install_g\] b-a: node "a" is the package's downloaded files and cannot be produced/));
    expect(errorsOf(`${GOOD}\n[install_loop]\na-b: null\nc-d: null\nd-c: null\n`)).toContainEqual(expect.stringMatching(/\[install_loop\] (c-d|d-c): node "[cd]" is part of a cycle/));
    expect(errorsOf(GOOD.replace('size: 10', 'size: ten'))).toEqual(['pkgs/pkgs.db:13 [file_f1] size: "ten" is not a size in bytes (a whole number)']);
    expect(errorsOf(GOOD.replace('filename: second.bin', 'filename: ../second.bin'))).toEqual([
      'pkgs/pkgs.db:9 [install_g] b-c: "../second.bin.d/" (for package "fw") is not a safe relative path: it climbs out of its folder with ".."',
      'pkgs/pkgs.db:18 [file_f2] filename: cache name "../second.bin" is unsafe: it contains a folder separator; give a plain file name',
    ]);
    expect(errorsOf(GOOD.replace('*/Binary/$ARG1', '/etc/$ARG1'))).toEqual([expect.stringMatching(/\[install_g\] b-c: "\/etc\/KX-UT113" \(for package "fw"\) is not a safe relative path: it is absolute/)]);
    expect(errorsOf(GOOD.replace('[pkg_fw]', '[package_fw]'))).toContainEqual('pkgs/pkgs.db:1 [package_fw]: invalid section name "[package_fw]": sections are "[pkg_<id>]", "[file_<id>]" or "[install_<id>]"');
    expect(errorsOf(GOOD.replace('version: 1.0', 'version: 1.0\nversion: 2.0'))).toEqual(['pkgs/pkgs.db:4 [pkg_fw] version: key "version" appears twice in "[pkg_fw]"; keep one']);
    expect(errorsOf(GOOD.replace('[file_f2]\nurl:\nfilename: second.bin', '[file_f2]\nurl:\nfilename: fw.zip'))).toEqual([expect.stringMatching(/\[file_f2\] filename: cache name "fw.zip" is also used by "\[file_f1\]"/)]);
  });
});

describe('substitution (contract §11.15)', () => {
  const ok = (text: string, vars: Record<string, string>) => substitute(text, vars);
  it.each([
    ['bar', {}, 'bar'],
    ['bar\\$', {}, 'bar$'],
    ['$foo', { foo: 'bar' }, 'bar'],
    ['${foo}', { foo: 'bar' }, 'bar'],
    ['abc $foo xyz', { foo: 'bar' }, 'abc bar xyz'],
    ['$foo\\$', { foo: 'bar' }, 'bar$'],
    ['$foo1 $foo2', { foo1: 'bar1', foo2: 'bar2' }, 'bar1 bar2'],
    ['$foo1$foo2', { foo1: 'bar1', foo2: 'bar2' }, 'bar1bar2'],
    ['$foo $FOO', { foo: 'bar', FOO: 'BAR' }, 'bar BAR'],
    ['$x', { x: '\\$' }, '\\$'],
    ['${FOO}bar', { FOO: 'foo' }, 'foobar'],
  ])('%s', (text, vars, expected) => {
    expect(ok(text, vars)).toEqual({ ok: true, value: expected });
  });
  it('reports undefined names and a lone "$"', () => {
    expect(ok('$foolish', { foo: 'bar' })).toEqual({ ok: false, message: 'undefined variable "$foolish" in "$foolish" (defined here: "$foo")' });
    expect(ok(' $ ', {})).toMatchObject({ ok: false, message: expect.stringContaining('a lone "$"') });
  });
});

describe('version comparison (contract §11.15)', () => {
  const sign = (a: string, b: string) => Math.sign(compareVersions(a, b));
  it.each([
    ['1', '1'], ['1.0.0', '1.0.0'], ['1.0', '1.00'], ['1.1a', '1.1a'], ['1', '1-0'], ['1-1', '1-1'], ['0:1', '1'], ['1:1', '1:1'],
  ])('%s = %s', (a, b) => expect(sign(a, b)).toBe(0));
  it.each([
    ['2', '1'], ['1.0.1', '1.0.0'], ['1.10', '1.2'], ['1', '1a'], ['1b', '1a'], ['1.1', '1.a'], ['1-1', '1'], ['1-10', '1-2'], ['1:1', '1'], ['2:1', '1:1'],
  ])('%s > %s', (a, b) => {
    expect(sign(a, b)).toBe(1);
    expect(sign(b, a)).toBe(-1);
  });
  it('gives the reference magnitudes and rejects a non-integer release', () => {
    expect(compareVersions('1.0', '1.0.0')).toBe(-1);
    expect(compareVersions('2.0', '10.0')).toBe(-8);
    expect(() => compareVersions('1.0-beta', '1')).toThrow('version "1.0-beta": the release "beta" (after the last "-") is not an integer');
  });
});

describe('packages declared in TypeScript', () => {
  const packages = definePackages({
    files: { firmware: { url: 'http://example.org/fw/firmware_2_8_1_package.tar.gz', size: 237648354, sha1: '4ff1c6b7278c8408eacbf7c3ccf03349343c396b' } },
    installs: { 'digium-fw': { 'a-b': ['untar', '$FILE1'], 'b-c': ['cp', '*/*.eff', 'Digium/firmware/'] } },
    packages: { firmware: { description: 'Firmware for all Digium phones', descriptions: { fr: 'Micrologiciel' }, version: '2.8.1', files: ['firmware'], install: 'digium-fw' } },
  });

  it('gives the same manifest as the equivalent pkgs.db, and round-trips through formatPkgsDb', () => {
    const fromTs = manifestFromDeclaration(packages, 'entry.ts');
    expect(fromTs.diagnostics).toEqual([]);
    const text = formatPkgsDb(fromTs.manifest);
    expect(text).toContain('[install_digium-fw]\na-b: untar $FILE1\nb-c: cp */*.eff Digium/firmware/');
    const reread = parsePkgsDb([{ file: 'pkgs.db', text }]);
    expect(reread.diagnostics).toEqual([]);
    const strip = (m: typeof fromTs.manifest) => JSON.parse(JSON.stringify(m, (k, v) => (k === 'source' ? undefined : v)));
    expect(strip(reread.manifest)).toEqual(strip(fromTs.manifest));
    expect(resolvePackageSteps(reread.manifest, reread.manifest.packages['firmware']!).steps.map((s) => s.text)).toEqual(['a-b: untar firmware_2_8_1_package.tar.gz', 'b-c: cp */*.eff Digium/firmware/']);
  });

  it('validates a declaration like a pkgs.db', () => {
    const bad = manifestFromDeclaration({ ...packages, installs: { 'digium-fw': { 'x-b': ['untar', '$FILE2'] } } }, 'entry.ts');
    expect(bad.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^entry\.ts \[pkg_firmware\] install: step "x-b" of "\[install_digium-fw\]": undefined variable "\$FILE2"/),
      expect.stringMatching(/^entry\.ts \[install_digium-fw\] x-b: step reads node "x"/),
      expect.stringMatching(/^entry\.ts \[install_digium-fw\]: no step reads node "a"/),
    ]);
  });
});
