import { defineConfig } from 'vitest/config';

/**
 * Browser tests (npm run test:e2e): Debian's Chromium driven by playwright-core against the built app, served by
 * the built API on a free port with a throwaway DATA_DIR (see global-setup.ts). Not part of `npm test`.
 */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 60_000,
    // One retry for a browser test on a loaded shared machine; a real failure fails twice.
    retry: 1,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ['default'],
    // The machines are shared and slow at times: UI assertions poll for a while.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
