import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'apps/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.tsx',
      'packages/*/src/**/*.test.ts',
      'deploy/**/*.test.ts',
      'bench/**/*.test.ts',
      'lint-fixtures/*.test.ts',
    ],
    // The cross-instance suites and the node:cluster primary's test (20–50 s) run in `npm run test:cluster`
    // (vitest.cluster.config.ts).
    exclude: [...configDefaults.exclude, '**/*.cluster.test.ts', 'apps/api/src/cluster.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
