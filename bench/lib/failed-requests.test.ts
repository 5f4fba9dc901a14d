/**
 * The benchmark counts failed requests (issue 13, item 15: P1/P6/P7 count errors and fail on any; P2 counts
 * anything but a 304): load.mjs (autocannon, its own process) against a local server that fails a share of its
 * answers, then failedRequests() over its summary. A clean server counts 0; one 500 in 5 is counted; for P2, a 200
 * where a 304 was asked for is a failure.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedRequests, load } from './util.mjs';

describe('bench: failed requests are counted', () => {
  let server: http.Server;
  let base = '';
  let n = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      n++;
      if (req.url === '/flaky' && n % 5 === 0) res.writeHead(500).end('boom');
      else if (req.url === '/etag' && req.headers['if-none-match'] === 'W/"v1"') res.writeHead(304).end();
      else res.writeHead(200, { etag: 'W/"v1"' }).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('0 for a clean run, every 500 for a flaky one', async () => {
    const clean = await load({ url: `${base}/ok`, connections: 4, duration: 1 });
    expect(clean.total).toBeGreaterThan(0);
    expect(failedRequests(clean)).toBe(0);
    const flaky = await load({ url: `${base}/flaky`, connections: 4, duration: 1 });
    const fails = failedRequests(flaky);
    expect(fails).toBeGreaterThan(0);
    expect(fails).toBe(flaky.statusCodeStats['500'].count);
  }, 60_000);

  it('P2: a conditional run counts anything but 304', async () => {
    const ok304 = (c: number) => c === 304;
    const hit = await load({
      url: `${base}/etag`,
      headers: { 'if-none-match': 'W/"v1"' },
      connections: 4,
      duration: 1,
    });
    expect(failedRequests(hit, ok304)).toBe(0);
    const miss = await load({
      url: `${base}/etag`,
      headers: { 'if-none-match': 'W/"v0"' },
      connections: 4,
      duration: 1,
    });
    expect(failedRequests(miss, ok304)).toBe(miss.total);
    expect(miss.total).toBeGreaterThan(0);
  }, 60_000);
});
