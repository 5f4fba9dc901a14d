import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from './metrics';
import { startOpsServer } from './ops-server';

describe('ops server (the worker’s /metrics and /health)', () => {
  let base = '';
  let close: () => void = () => {};
  let redisUp = true;
  beforeAll(async () => {
    const { server, port } = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: createMetrics({ defaultMetrics: false }),
      checks: {
        database: async () => undefined,
        redis: async () => {
          if (!redisUp) throw new Error('ECONNREFUSED');
        },
      },
    });
    base = `http://127.0.0.1:${port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('is ready while every dependency answers, and says which one does not', async () => {
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    redisUp = false;
    const down = await fetch(`${base}/health/ready`);
    expect(down.status).toBe(503);
    // The API's readiness answer (a status report, not an error document).
    expect(down.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await down.json()).toMatchObject({
      status: 'down',
      checks: { database: { status: 'ok' }, redis: { status: 'down' } },
    });
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^dependency_up\{dependency="redis"\} 0$/m);
    expect((await fetch(`${base}/health/live`)).status).toBe(200); // alive, only not ready
    redisUp = true;
  });

  it('serves metrics without a token when none is configured; 404 and 405 elsewhere', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await missing.json()).toMatchObject({ success: false, status: 404, code: 'NOT_FOUND' });
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
  });
});
