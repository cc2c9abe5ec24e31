import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'create-provd-plugin',
    // Tests run the real command lines (scaffold, build, render); a loaded CI machine makes them slow (nothing is timed).
    testTimeout: 120_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
