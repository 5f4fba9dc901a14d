/** One dependency check's outcome, as /health/ready reports it. */
export interface Check {
  status: 'ok' | 'down';
  latencyMs: number;
  error?: 'timeout' | 'unreachable';
}

/** A deadline timer this late means the event loop was blocked, not that the dependency was slow. */
const LATE_MS = 50;

/**
 * Run a dependency probe with a deadline: never throws, never hangs past `timeoutMs` (twice that at most when the
 * event loop itself was blocked). A busy loop must not make readiness flap: when the deadline's timer fires late,
 * the probe's answer may already be waiting behind it (timers run before I/O), so the probe gets one more window
 * of the same length before it counts as a timeout.
 */
export async function timedCheck(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  const start = performance.now();
  const latency = () => Math.round((performance.now() - start) * 100) / 100;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        const due = start + timeoutMs;
        timer = setTimeout(() => {
          if (performance.now() - due > LATE_MS) {
            timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
          } else reject(new Error('timeout'));
        }, timeoutMs);
      }),
    ]);
    return { status: 'ok', latencyMs: latency() };
  } catch (err) {
    return {
      status: 'down',
      latencyMs: latency(),
      error: err instanceof Error && err.message === 'timeout' ? 'timeout' : 'unreachable',
    };
  } finally {
    clearTimeout(timer);
  }
}
