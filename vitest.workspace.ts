/**
 * The test projects of the monorepo: one per workspace package that has tests.
 *
 * Vitest 4 ignores this file on its own; `vitest.config.ts` passes the list to `test.projects`, and
 * `scripts/run-tests.mjs` checks after every run that each project listed here really ran.
 */
const projects: string[] = [
  'packages/*/vitest.config.ts',
  'examples/*/vitest.config.ts',
  'scripts/*/vitest.config.ts',
];

export default projects;
