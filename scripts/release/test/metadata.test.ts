import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { publishedPackages } from '../src/index';

const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, any>;
const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
const packages = publishedPackages(repoRoot);

describe('the licence', () => {
  it('is the full text of the GNU GPL version 3, the licence every package declares (or later)', () => {
    expect(license).toMatch(/^\s*GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license).toMatch(/or\s+\(at your option\) any later version\./);
    const debian = '/usr/share/common-licenses/GPL-3';
    if (existsSync(debian)) expect(license).toBe(readFileSync(debian, 'utf8'));
    expect(root.license).toBe('GPL-3.0-or-later');
  });
});

describe('every published package', () => {
  it('is found (sdk, build, host, testing and the scaffold at least)', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@provd/sdk', '@provd/build', '@provd/host', '@provd/testing', 'create-provd-plugin']));
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s declares its licence, repository, files, engines and public access', (_name, pkg) => {
    const m = pkg.manifest;
    expect(m.license).toBe('GPL-3.0-or-later');
    expect(readFileSync(join(repoRoot, pkg.dir, 'LICENSE'), 'utf8')).toBe(license);
    expect(m.repository).toEqual({ type: 'git', url: root.repository.url, directory: pkg.dir });
    expect(m.files).toEqual(expect.arrayContaining(['dist', 'CHANGELOG.md']));
    expect(m.engines).toEqual({ node: '>=20.19.0' });
    expect(m.type).toBe('module');
    expect(m.publishConfig?.access).toBe('public');
    // Published exports have no `source` condition: src/ is not in the tarball.
    expect(JSON.stringify(m.publishConfig?.exports)).not.toContain('source');
    expect(Object.keys(m.publishConfig?.exports ?? {})).toEqual(Object.keys(m.exports));
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s has a CHANGELOG whose latest entry is its version', (name, pkg) => {
    const changelog = readFileSync(join(repoRoot, pkg.dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog.startsWith(`# ${name}\n`)).toBe(true);
    expect(/^## (\S+)$/m.exec(changelog)?.[1]).toBe(pkg.version);
  });

  it('is released at one version with the others (the scaffold writes that version into the families it makes)', () => {
    const config = JSON.parse(readFileSync(join(repoRoot, '.changeset', 'config.json'), 'utf8')) as { fixed: string[][]; access: string };
    expect(new Set(packages.map((p) => p.version)).size).toBe(1);
    expect(config.access).toBe('public');
    const group = config.fixed[0] ?? [];
    const covered = (name: string): boolean => group.some((pattern) => (pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
    expect(packages.filter((p) => !covered(p.name)).map((p) => p.name)).toEqual([]);
  });
});
