/** One dependency check's outcome, as /health/ready reports it. */
export interface Check {
  status: 'ok' | 'down';
  latencyMs: number;
  error?: 'timeout' | 'unreachable';
}

/** Run a dependency probe with a deadline: never throws, never hangs past `timeoutMs`. */
export async function timedCheck(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  const start = performance.now();
  const latency = () => Math.round((performance.now() - start) * 100) / 100;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
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
