import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'docs',
    // The pages run the real command lines (builds, renders, a host); a loaded CI machine can make them slow.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    include: ['test/**/*.test.ts'],
    // TypeScript snippets run from the repository root (process.chdir), which worker threads do not allow.
    pool: 'forks',
  },
});
