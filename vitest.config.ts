import { defineConfig } from 'vitest/config';

// Tests import workspace packages through their `source` export condition, so they run
// against TypeScript sources without a build step.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'tools/examples/test/**/*.test.ts', 'tools/packaging/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
