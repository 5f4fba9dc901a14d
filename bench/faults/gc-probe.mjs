/**
 * Preloaded into the API process of R7 only (`node --expose-gc --import bench/faults/gc-probe.mjs …`): on SIGUSR2
 * it runs two full garbage collections and prints one line `GC-PROBE {"rss":…,"heapUsed":…,…}` (bytes) on stdout,
 * so that the soak compares memory after a full GC instead of wherever the collector happened to be. Test-only
 * instrumentation; the application code is unchanged.
 */
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(
    `GC-PROBE ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, gc: typeof globalThis.gc === 'function' })}\n`,
  );
});
