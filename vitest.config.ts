import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm test`: three projects in one run (issue 14 item 7 — the suite's own time; docs/performance.md).
 *
 * - `node`: the API, the shared package, deploy, bench and lint-fixture tests — node environment, **not isolated**
 *   (`isolate: false`): a worker process imports the app graph (Fastify, Drizzle, PGlite, the modules) once and runs
 *   file after file on it, instead of every file paying that import again in a fresh module graph. Each file still
 *   builds its own app, database and platform through test/context.ts; what is shared is only the loaded code and
 *   module-level caches of immutable things (the PGlite template, prepared-statement texts).
 * - `isolated`: the node files that change process-wide state for the files after them — a `vi.mock` of a module
 *   the others import. A new such file goes in ISOLATED below.
 * - `web`: the React app's tests (happy-dom where a file asks for it), isolated as before, with i18next set up.
 */
const ISOLATED = [
  // vi.mock('./tasks.outbox.repo'): the mocked module would replace the real one for later files in the worker.
  'apps/api/src/modules/tasks/tasks.outbox.lock.test.ts',
  // Reads the process's module cache (what start-up loaded): other files' imports must not be in it.
  'apps/api/src/startup-modules.test.ts',
];

const NODE_FILES = [
  'apps/api/src/**/*.test.ts',
  'packages/*/src/**/*.test.ts',
  'deploy/**/*.test.ts',
  'bench/**/*.test.ts',
  'lint-fixtures/*.test.ts',
];

// The cross-instance suites and the node:cluster primary's test (20–50 s) run in `npm run test:cluster`
// (vitest.cluster.config.ts).
const EXCLUDE = [...configDefaults.exclude, '**/*.cluster.test.ts', 'apps/api/src/cluster.test.ts'];

export default defineConfig({
  test: {
    // Writes the migrated PGlite template the integration tests' databases start from (test/global-setup.ts).
    globalSetup: ['apps/api/src/test/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: NODE_FILES,
          exclude: [...EXCLUDE, ...ISOLATED],
          environment: 'node',
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'isolated', include: ISOLATED, exclude: EXCLUDE, environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'web',
          include: ['apps/web/src/**/*.test.ts', 'apps/web/src/**/*.test.tsx'],
          exclude: EXCLUDE,
          // i18next initialised in English for the web's component tests (apps/web/src/test/i18n-setup.ts).
          setupFiles: ['apps/web/src/test/i18n-setup.ts'],
        },
      },
    ],
  },
});
