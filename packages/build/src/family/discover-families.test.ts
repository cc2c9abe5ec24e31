import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverFamilyFiles } from './discover-families';

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

describe('discoverFamilyFiles', () => {
  it('finds a family at the root of a plugin folder of its own, before those of packages/ and examples/', async () => {
    dir = await testdir({
      'provd.family.ts': '',
      'packages/b/provd.family.ts': '',
      'packages/a/provd.family.ts': '',
      'packages/c/README.md': '',
      'examples/1.x/provd.family.ts': '',
    });
    expect(await discoverFamilyFiles(dir.path)).toEqual(['provd.family.ts', 'packages/a/provd.family.ts', 'packages/b/provd.family.ts', 'examples/1.x/provd.family.ts']);
  });

  it('finds nothing in a folder without family files, and ignores a folder named like the family file', async () => {
    dir = await testdir({ 'provd.family.ts/x': '', 'packages/a/index.ts': '' });
    expect(await discoverFamilyFiles(dir.path)).toEqual([]);
  });
});
