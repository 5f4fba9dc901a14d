/**
 * `npm run test:cluster`: the cross-instance proofs (*.cluster.test.ts: two app instances on one PostgreSQL and one
 * Redis, a streaming replica, the worker process), the node:cluster primary's test and the nginx tests. They need the
 * real services: without TEST_DATABASE_URL and TEST_REDIS_URL this run refuses to start instead of skipping them.
 */
import { defineConfig } from 'vitest/config';

const missing = ['TEST_DATABASE_URL', 'TEST_REDIS_URL'].filter((k) => !process.env[k]);
if (missing.length) {
  throw new Error(
    `npm run test:cluster needs ${missing.join(' and ')} (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_REDIS_URL=redis://127.0.0.1:6379/15)`,
  );
}

export default defineConfig({
  test: {
    include: [
      'apps/*/src/**/*.cluster.test.ts',
      'apps/api/src/cluster.test.ts',
      // The nginx tests (also in npm test): the deploy config's checks and nginx -t, and the fault tests' nginx
      // being deploy/nginx/nginx.conf templated.
      'deploy/deploy.test.ts',
      'bench/faults/*nginx*.test.ts',
    ],
    // Writes the migrated PGlite template the integration tests' databases start from (test/global-setup.ts).
    globalSetup: ['apps/api/src/test/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One file at a time: the suites measure sub-second windows and share two cores with the instances they start.
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
  },
});
