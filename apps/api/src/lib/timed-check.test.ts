/**
 * timedCheck under a busy event loop (issue 13, defect 9: /health/ready answered 503 under CPU load). When the loop
 * is blocked past the deadline, the deadline's timer and the probe's answer (already in the socket) are both due;
 * timers run before I/O, so the old check called a healthy dependency "timeout". The deadline now yields to
 * pending I/O once before it counts.
 */
import { createServer, connect, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timedCheck } from './timed-check';

/** Keep the event loop busy (synchronously) for `ms`. */
const block = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
};

describe('timedCheck', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((s) => s.end('pong'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** A probe answered over TCP (what a database or Redis ping is). */
  const ping = () =>
    new Promise<void>((resolve, reject) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', () => {
        s.destroy();
        resolve();
      });
      s.once('error', reject);
    });

  it('reports ok when the answer arrived while the loop was blocked past the deadline', async () => {
    for (let i = 0; i < 5; i++) {
      const check = timedCheck(ping, 100);
      block(400); // the connect, the answer and the deadline all happen during this
      const result = await check;
      expect(result.status, JSON.stringify(result)).toBe('ok');
    }
  });

  it('still reports timeout for a probe that never answers, and down for one that fails', async () => {
    const never = await timedCheck(() => new Promise(() => {}), 50);
    expect(never).toMatchObject({ status: 'down', error: 'timeout' });
    expect(never.latencyMs).toBeGreaterThanOrEqual(45);
    // A hung dependency on a blocked loop is still reported, after one more window at most.
    const hung = timedCheck(() => new Promise(() => {}), 50);
    block(200);
    const t0 = performance.now();
    expect(await hung).toMatchObject({ status: 'down', error: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(1000);
    const failing = await timedCheck(() => Promise.reject(new Error('refused')), 50);
    expect(failing).toMatchObject({ status: 'down', error: 'unreachable' });
  });
});
