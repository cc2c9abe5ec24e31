import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'release',
    // Packing, installing from tarballs and running a scaffolded family's own build and tests takes a while on a
    // loaded machine (nothing is timed).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    include: ['test/**/*.test.ts'],
  },
});
