/**
 * Error reporting against a fake DSN endpoint on loopback: a forced 500 is reported once, with its request id,
 * route and status and without headers, cookies, bodies or tokens; 4xx and 503 are not reported; without
 * SENTRY_DSN nothing is registered.
 */
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context';
import { parseDsn, scrub } from './error-reporter';

interface Received {
  url: string;
  auth: string;
  items: unknown[];
  raw: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('error reporting', () => {
  const received: Received[] = [];
  let server: http.Server;
  let ctx: TestContext;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8').on('data', (c: string) => {
        raw += c;
      });
      req.on('end', () => {
        received.push({
          url: req.url ?? '',
          auth: String(req.headers['x-sentry-auth'] ?? ''),
          items: raw
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
          raw,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    ctx = await createTestContext('pglite', {
      config: { sentryDsn: `http://publickey123@127.0.0.1:${port}/42`, testRoutes: true, release: 'test-1.2.3' },
    });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await new Promise((r) => server?.close(r));
  });

  it('reports a forced 500 with its request id, route and status, and nothing secret', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/__test/fail?token=query-secret-abc',
      headers: {
        'x-request-id': 'req-500-abc',
        authorization: 'Bearer header-secret-xyz',
        cookie: 'access_token=cookie-secret-123',
      },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json().requestId).toBe('req-500-abc');
    const deadline = Date.now() + 5000;
    while (received.length === 0) {
      expect(Date.now()).toBeLessThan(deadline);
      await sleep(20);
    }
    const [report] = received;
    expect(report?.url).toBe('/api/42/envelope/');
    expect(report?.auth).toContain('sentry_key=publickey123');
    const [header, itemHeader, event] = (report?.items ?? []) as Array<Record<string, unknown>>;
    expect(itemHeader).toEqual({ type: 'event' });
    expect((header as { event_id: string }).event_id).toBe((event as { event_id: string }).event_id);
    expect(event).toMatchObject({
      level: 'error',
      release: 'test-1.2.3',
      tags: { request_id: 'req-500-abc', route: '/__test/fail', method: 'GET', status: '500', mechanism: 'http' },
    });
    const exception = (event as { exception: { values: Array<{ type: string; value: string; stacktrace: unknown }> } })
      .exception.values[0];
    expect(exception?.value).toBe('forced failure (test route)');
    expect(exception?.stacktrace).toBeTruthy();
    for (const secret of ['header-secret-xyz', 'cookie-secret-123', 'query-secret-abc']) {
      expect(report?.raw).not.toContain(secret);
    }
    await ctx.app.errorReporter?.flush();
  });

  it('does not report 4xx answers', async () => {
    const before = received.length;
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/definitely-not-here' });
    expect(res.statusCode).toBe(404);
    await ctx.app.errorReporter?.flush();
    await sleep(100);
    expect(received.length).toBe(before);
  });

  it('reports unhandled rejections handed to it (server.ts does)', async () => {
    const before = received.length;
    ctx.app.errorReporter?.capture(new Error('boom at postgres://app:hunter2@db:5432/x'), {
      mechanism: 'unhandledRejection',
    });
    await ctx.app.errorReporter?.flush();
    expect(received.length).toBe(before + 1);
    const raw = received.at(-1)?.raw ?? '';
    expect(raw).toContain('unhandledRejection');
    expect(raw).not.toContain('hunter2');
  });

  it('registers nothing without SENTRY_DSN', { timeout: 120_000 }, async () => {
    const off = await createTestContext('pglite', { config: { testRoutes: true } });
    try {
      expect(off.app.errorReporter).toBeUndefined();
      const before = received.length;
      expect((await off.app.inject({ method: 'GET', url: '/__test/fail' })).statusCode).toBe(500);
      await sleep(100);
      expect(received.length).toBe(before);
    } finally {
      await off.close();
    }
  });
});

describe('DSN parsing and scrubbing', () => {
  it('finds the envelope endpoint and key', () => {
    expect(parseDsn('https://abc@o1.ingest.example.com/77')).toEqual({
      envelopeUrl: 'https://o1.ingest.example.com/api/77/envelope/',
      publicKey: 'abc',
    });
    expect(parseDsn('http://k@127.0.0.1:9000/sub/path/5').envelopeUrl).toBe(
      'http://127.0.0.1:9000/sub/path/api/5/envelope/',
    );
    expect(() => parseDsn('https://example.com/5')).toThrow();
  });

  it('masks credentials, bearer tokens and JWTs', () => {
    const s = scrub('redis://u:pw@r:6379 Bearer abc.def eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig password=p4ss');
    expect(s).not.toMatch(/pw@|abc\.def|eyJhbGci|p4ss/);
  });
});
