import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { findCycles, layeringProblems, specifiersOf, workspacePackages } from '../src/index';

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

const pkg = (name: string, extra: object = {}): string => JSON.stringify({ name, ...extra });

describe('the workspace layering', () => {
  it('has no import cycle between modules or packages, and no plugin-facing package importing host machinery', () => {
    const packages = workspacePackages(repoRoot);
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@provd/sdk', '@provd/core', '@provd/firmware', '@provd/build', '@provd/host', '@provd/plugin-digium']));
    expect(packages.filter((p) => p.pluginFacing).map((p) => p.name).sort()).toEqual(['@provd/example-minimal-plugin', '@provd/example-multi-model', '@provd/plugin-digium', '@provd/sdk']);
    expect(packages.find((p) => p.name === '@provd/plugin-digium')!.files.length).toBeGreaterThan(3);
    expect(layeringProblems(repoRoot, packages)).toEqual([]);
  });
});

describe('the layering check', () => {
  it('finds a module cycle, type-only imports and re-exports included', async () => {
    dir = await testdir({
      'packages/a/package.json': pkg('@x/a'),
      'packages/a/src/index.ts': "export { b } from './b';\n",
      'packages/a/src/b.ts': "import type { C } from './c/index';\nexport const b = 1;\n",
      'packages/a/src/c/index.ts': "import { b } from '../b';\nexport type C = typeof b;\n",
      'packages/a/src/c/c.test.ts': "import '../index';\n",
    });
    expect(layeringProblems(dir.path, workspacePackages(dir.path))).toEqual(['@x/a: import cycle packages/a/src/b.ts -> packages/a/src/c/index.ts -> packages/a/src/b.ts']);
  });

  it('finds a cycle between packages and the SDK or a plugin importing host machinery', async () => {
    dir = await testdir({
      'packages/sdk/package.json': pkg('@provd/sdk'),
      'packages/sdk/src/index.ts': "import { FirmwareService } from '@provd/firmware';\nexport const x = FirmwareService;\n",
      'packages/firmware/package.json': pkg('@provd/firmware'),
      'packages/firmware/src/index.ts': "import { x } from '@provd/sdk';\nexport const FirmwareService = x;\n",
      'packages/acme/package.json': pkg('@acme/plugin', { keywords: ['provd-plugin'] }),
      'packages/acme/common/plugin.ts': "import { scorePlugins } from '@provd/core';\nimport { BasePlugin } from '@provd/sdk';\n",
      'packages/core/package.json': pkg('@provd/core'),
      'packages/core/src/index.ts': "import type { DevInfo } from '@provd/sdk';\n",
    });
    expect(layeringProblems(dir.path, workspacePackages(dir.path))).toEqual([
      '@acme/plugin: packages/acme/common/plugin.ts imports host machinery @provd/core',
      '@provd/sdk: packages/sdk/src/index.ts imports host machinery @provd/firmware',
      'package import cycle @provd/firmware -> @provd/sdk -> @provd/firmware',
    ]);
  });

  it('reads static, type-only, side-effect and literal dynamic imports, not commented ones', () => {
    const source = [
      "import a from './a';",
      "import type { B } from '../b';",
      "import './side';",
      "export * from './star';",
      "export { x } from '@scope/pkg/sub';",
      "// import nope from './commented';",
      "/* import nope from './block'; */",
      "const lazy = await import('node:fs');",
      "const text = 'import fake from \"./in-string\"';",
    ].join('\n');
    expect(specifiersOf(source)).toEqual(['./a', '../b', './side', './star', '@scope/pkg/sub', 'node:fs']);
  });

  it('orders each cycle from its smallest node and ignores acyclic parts', () => {
    const edges = new Map([
      ['c', ['a']],
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(findCycles(edges)).toEqual([['a', 'b', 'c'], ['e']]);
  });
});
