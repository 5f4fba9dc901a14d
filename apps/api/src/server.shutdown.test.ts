/**
 * Graceful shutdown of the real server process (R3's per-instance half): requests in flight at SIGTERM complete
 * with 200, requests that arrive while draining get 503 with Connection: close (on a kept-alive connection) or a
 * refused connection (the listener is closed), /health/ready says 503, and the process exits 0 within 10 s.
 */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext } from './test/context';
import { type ServerProcess, sleep, startServerProcess } from './test/server-process';

interface Result {
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body?: string;
  error?: string;
}

function get(port: number, urlPath: string): Promise<Result> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

function inFlight(metricsBody: string): number {
  const m = /^http_requests_in_flight(?:\{[^}]*\})? (\d+)/m.exec(metricsBody);
  return m ? Number(m[1]) : 0;
}

/** Long enough that every slow request is still in flight when a loaded machine has opened them all. */
const SLOW_MS = 4000;

describe('graceful shutdown of the server process', () => {
  let server: ServerProcess;
  let child: ChildProcess;
  let port: number;

  beforeAll(async () => {
    server = await startServerProcess({
      env: {
        TEST_ROUTES: 'true',
        SHUTDOWN_TIMEOUT_MS: '10000',
        // The slow requests are the point: a starved test machine must not shed them.
        MAX_EVENT_LOOP_DELAY_MS: '0',
      },
      tmpPrefix: 'pt-shutdown-',
      isUp: async (p) => (await get(p, '/health/ready')).status === 200,
    });
    ({ child, port } = server);
  }, 150_000);

  afterAll(() => {
    server?.stop();
  });

  it('drains in-flight requests, refuses new ones, and exits 0 within 10 s', async () => {
    // 20 slow requests on their own connections, plus one on a kept-alive raw socket that we reuse while draining.
    const slow = Array.from({ length: 20 }, () => get(port, `/__test/slow?ms=${SLOW_MS}`));
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8').on('data', (c: string) => {
      raw += c;
    });
    const socketClosed = new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
    });
    socket.write(`GET /__test/slow?ms=${SLOW_MS} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);

    // Wait until the server is really holding them (the scrape itself counts as one); a loaded CI machine may
    // take a while to open 21 connections.
    const deadline = Date.now() + 20_000;
    while (inFlight((await get(port, '/metrics')).body ?? '') < 22) {
      expect(Date.now()).toBeLessThan(deadline);
      await sleep(25);
    }

    const t0 = Date.now();
    child.kill('SIGTERM');
    while (!server.output().includes('shutting down')) {
      expect(Date.now() - t0).toBeLessThan(3000);
      await sleep(10);
    }

    // A request pipelined on the kept-alive connection while draining is never processed: the in-flight response
    // closes the connection (so a proxy cannot reuse it), or, if it is parsed first, it gets Fastify's 503.
    socket.write(`GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
    // A new connection while draining: refused (listener closed) or 503. Give app.close() a moment to close the
    // listener; a connect that still lands in the kernel's accept queue as it closes is reset (nothing was processed,
    // so the client or nginx retries it safely).
    await sleep(300);
    const fresh = await get(port, '/health/live');
    expect(
      ['ECONNREFUSED', 'ECONNRESET'].includes(fresh.error ?? '') || fresh.status === 503,
      JSON.stringify(fresh),
    ).toBe(true);

    const results = await Promise.all(slow);
    for (const r of results) {
      expect(r.error, JSON.stringify(r)).toBeUndefined();
      expect(r.status).toBe(200);
      expect(r.headers?.connection).toBe('close');
      expect(JSON.parse(r.body ?? '{}')).toEqual({ ok: true, waitedMs: SLOW_MS });
    }

    await socketClosed;
    const responses = raw.split(/(?=HTTP\/1\.1 \d{3} )/).filter(Boolean);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200 /);
    expect(responses[0]?.toLowerCase()).toContain('connection: close');
    expect(responses.slice(1).every((r) => r.startsWith('HTTP/1.1 503 '))).toBe(true);

    const { code, signal, at } = await server.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(at - t0).toBeLessThan(10_000);
    expect(server.output()).toContain('shutdown complete');
  }, 60_000);
});

describe('readiness while draining', () => {
  it('answers 503 "down" from the moment shutdown starts, while liveness stays 200', { timeout: 120_000 }, async () => {
    const ctx = await createTestContext('pglite');
    try {
      expect((await ctx.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
      ctx.app.shuttingDown = true;
      const ready = await ctx.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'down' });
      expect(ready.headers.connection).toBe('close');
      expect((await ctx.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await ctx.close();
    }
  });
});
