import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sharedDir } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, readPkgsDir } from '../src/index';
import { resolvePackageSteps } from '../src/manifest-validate';

const corpus = join(sharedDir, 'corpus', 'wazo-provd-plugins', 'plugins');

function pkgsDirs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    if (name === 'pkgs') out.push(path);
    else out.push(...pkgsDirs(path));
  }
  return out.sort();
}

describe('every pkgs.db of the corpus', async () => {
  const dirs = pkgsDirs(corpus);
  const results = await Promise.all(dirs.map(async (d) => ({ dir: relative(corpus, d), result: (await readPkgsDir(d, relative(corpus, d)))! })));

  it('parses all 109 manifests into the published counts of packages, files and steps', () => {
    expect(results).toHaveLength(109);
    let packages = 0;
    let files = 0;
    let graphs = 0;
    let steps = 0;
    let resolved = 0;
    for (const { result } of results) {
      packages += Object.keys(result.manifest.packages).length;
      files += Object.keys(result.manifest.files).length;
      graphs += Object.keys(result.manifest.graphs).length;
      steps += Object.values(result.manifest.graphs).reduce((n, g) => n + g.steps.length, 0);
      for (const pkg of Object.values(result.manifest.packages)) resolved += resolvePackageSteps(result.manifest, pkg).steps.length;
    }
    expect({ packages, files, graphs, steps }).toEqual({ packages: 677, files: 669, graphs: 216, steps: 376 });
    expect(resolved).toBeGreaterThan(677);
  });

  it('reports exactly the known defects as errors, with file, section and key', () => {
    const errors = results.flatMap(({ result }) => result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic));
    expect(errors).toEqual([
      expect.stringMatching(/^wazo_cisco_sccp\/v9_4\/pkgs\/pkgs\.db:\d+ \[file_7970-7971-fw\] sha1sum: "5d88a4f85d5f1e89596692d6ac3151ae" is not a SHA-1 digest: expected 40 hex digits, got 32 \(32 hex digits: this looks like an MD5 digest\)/),
    ]);
  });

  it('warns about empty or unparsable versions, unused install graphs and files without a public URL', () => {
    const warnings = results.flatMap(({ result }) => result.diagnostics.filter((d) => d.severity === 'warning'));
    const byKey = (key: string | undefined, pattern: RegExp) => warnings.filter((d) => d.key === key && pattern.test(d.message)).length;
    expect(byKey('version', /^version "" cannot be compared \(the version is empty\)/)).toBe(13);
    expect(byKey(undefined, /^install graph "aastra-fw" is used by no package/)).toBe(3);
    expect(byKey('url', /^no public URL: the file must be placed by hand at "var\/cache\//)).toBe(54);
    expect(byKey('url', /is not an http\(s\) URL/)).toBe(1);
    // "4.2.0-SP1", "11.1.0-MSR4", "P0.16.5-1.12.2", ...: the installer's version format wants an integer release.
    expect(byKey('version', /^version "[^"]+" cannot be compared \(the release "[^"]+" \(after the last "-"\) is not an integer\)/)).toBe(9);
    expect(warnings).toHaveLength(13 + 3 + 54 + 1 + 9);
  });
});
