import type { RepositoryField } from '../repository-guess';
import { VERSION } from '../version';
import type { FamilyNames } from './names';

/**
 * Where the generated family lives: a package of the provd repository, or a folder of its own; with the
 * `repository` field its `package.json` gets, when one could be guessed (see `guessRepository`).
 */
export type Placement = ({ kind: 'workspace'; root: string; relDir: string } | { kind: 'standalone' }) & { repository?: RepositoryField };

const TOOL_VERSIONS = { typescript: '~5.9.3', vitest: '^4.1.12', '@types/node': '^20.19.0' } as const;

/** `package.json` of the family. */
export function packageJson(n: FamilyNames, placement: Placement): string {
  const provd = placement.kind === 'workspace' ? 'workspace:^' : `^${VERSION}`;
  const pkg: Record<string, unknown> = {
    name: placement.kind === 'workspace' ? `@provd/plugin-${n.family}` : `provd-plugin-${n.family}`,
    version: '0.1.0',
    private: true,
    description: `provd plugins for ${n.vendor} ${n.models.join(', ')} SIP phones`,
    type: 'module',
    license: 'GPL-3.0-or-later',
    keywords: ['provd-plugin'],
  };
  if (placement.kind === 'workspace') {
    pkg.exports = { './package.json': './package.json' };
    pkg.engines = { node: '>=20.19.0' };
    if (placement.repository) pkg.repository = placement.repository;
    pkg.scripts = { typecheck: 'tsc -p tsconfig.json --noEmit' };
    pkg.peerDependencies = { '@provd/sdk': provd };
    pkg.devDependencies = { '@provd/build': provd, '@provd/host': provd, '@provd/sdk': provd, '@provd/testing': provd };
  } else {
    pkg.engines = { node: '>=20.19.0' };
    if (placement.repository) pkg.repository = placement.repository;
    pkg.scripts = {
      build: 'provd-build build --out dist/repo --plugins-dir dist/plugins',
      check: 'provd-build check',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
      render: `provd render dist/plugins/${n.pluginId} --device sample/device.json --config sample/config.json --out dist/rendered`,
      dev: `provd-build dev ${n.family} --plugins-dir dist/serve/plugins`,
      // A development host: its API trusts requests from this machine, so `dev` reloads it without a token.
      serve: 'provd serve --plugins-dir dist/serve/plugins --data-dir dist/serve/data --http-port 8667 --tftp-port 6969 --api-insecure-loopback',
    };
    pkg.peerDependencies = { '@provd/sdk': provd };
    pkg.devDependencies = {
      '@provd/build': provd,
      '@provd/host': provd,
      '@provd/sdk': provd,
      '@provd/testing': provd,
      ...TOOL_VERSIONS,
    };
    // The install scripts pnpm may run: better-sqlite3 (the host's store, behind the test kit) builds its native
    // module; esbuild (behind provd-build) checks its binary.
    pkg.pnpm = { onlyBuiltDependencies: ['better-sqlite3', 'esbuild'] };
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** `tsconfig.json` of the family. */
export function tsconfigJson(placement: Placement): string {
  if (placement.kind === 'workspace') {
    const up = placement.relDir.split('/').map(() => '..').join('/');
    return `${JSON.stringify({ extends: `${up}/tsconfig.base.json`, include: ['common', 'v*', 'test', 'provd.family.ts', 'vitest.config.ts'] }, null, 2)}\n`;
  }
  const config = {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      types: ['node'],
      strict: true,
      noImplicitOverride: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ['common', 'v*', 'test', 'provd.family.ts', 'vitest.config.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** `vitest.config.ts` of the family. */
export function vitestConfig(n: FamilyNames, placement: Placement): string {
  const ssr = placement.kind === 'workspace' ? "  ssr: { resolve: { conditions: ['source'] } },\n" : '';
  return `import { defineProject } from 'vitest/config';

export default defineProject({
${ssr}  test: {
    name: ${JSON.stringify(`plugin-${n.family}`)},
    // The tests build the family with esbuild and load it as a host does: allow a slow machine.
    testTimeout: 60_000,
    include: ['test/**/*.test.ts'],
  },
});
`;
}

/** `.gitignore` of a standalone family. */
export function gitignore(): string {
  return 'node_modules/\ndist/\n';
}

/** `README.md` of the family. */
export function readme(n: FamilyNames, placement: Placement): string {
  const run = placement.kind === 'workspace'
    ? `From the repository root:

\`\`\`sh
pnpm install
pnpm build-plugins ${n.family}          # dist/repo/${n.pluginId}-0.1.0.tar.gz, plugins.db, dhcp/
pnpm vitest run --project plugin-${n.family}
\`\`\``
    : `\`\`\`sh
pnpm install
pnpm build        # dist/repo/ (tarball, plugins.db, dhcp/) and dist/plugins/${n.pluginId}/
pnpm test         # builds the family and runs phones' requests through a host in the test process
pnpm render       # writes dist/rendered/${n.filesDir}/00005e005301.${n.ext} from sample/
pnpm serve        # a development host on ports 8667 (HTTP) and 6969 (TFTP), its API open to this machine ...
pnpm dev          # ... and, in another terminal, rebuild and reload it on every save
\`\`\``;
  return `# ${n.vendor} plugins for provd

Plugins for ${n.vendor} ${n.models.join(', ')} SIP phones, firmware ${n.firmware}, written with \`pnpm create provd-plugin\`.

| file | what |
| --- | --- |
| \`provd.family.ts\` | the family: its targets (one plugin per firmware version, each with its plugin-info) and its DHCP routing |
| \`common/extractors.ts\` | what DHCP option 60, the HTTP User-Agent and the TFTP file name tell about a phone |
| \`common/associator.ts\` | how well a plugin supports a phone |
| \`common/${n.pluginModule}.ts\` | the plugin: writes \`${n.filesDir}/<mac>.${n.ext}\` for each phone |
| \`common/templates/base.tpl\` | the configuration file, in Jinja2; \`<model>.tpl\` files may extend it |
| \`common/models.ts\` | the models and their lines: what the plugin renders and the plugin-info declares |
| \`${n.targetDir}/\` | what is particular to firmware ${n.firmware}: \`entry.ts\` |
| \`sample/\` | a device and a raw config, for \`render\` and the tests |
| \`test/\` | the tests, and the golden file of the sample phone |

${run}

A deliberate change to the template changes the golden file: run the tests with \`PROVD_UPDATE_GOLDEN=1\` once, then review
the diff of \`test/golden/\`.
`;
}
