import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'plugin-digium',
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
