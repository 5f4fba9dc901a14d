import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webPlugin } from './web';

let dist: string;
beforeAll(() => {
  dist = mkdtempSync(path.join(tmpdir(), 'pt-web-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
});
afterAll(() => rmSync(dist, { recursive: true, force: true }));

/** An app that writes app.ts's one access-log line per request at `info`, into `lines`. */
async function appLogging(logStaticRequests?: boolean) {
  const lines: Array<{ url?: string; msg?: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream }, disableRequestLogging: true });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ url: request.url, status: reply.statusCode }, 'request');
  });
  await app.register(webPlugin, {
    serveWeb: true,
    webDistDir: dist,
    ...(logStaticRequests ? { logStaticRequests } : {}),
  });
  app.get('/api/v1/ping', async () => ({ ok: true }));
  await app.ready();
  const requests = () => lines.filter((l) => l.msg === 'request').map((l) => l.url);
  return { app, requests };
}

describe('web app files and the access log (LOG_STATIC_REQUESTS)', () => {
  it('logs no line per asset or index by default; client routes and the API still log', async () => {
    const { app, requests } = await appLogging();
    for (const url of ['/assets/app-1234.js', '/', '/index.html', '/tasks', '/api/v1/ping']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
    }
    expect(requests()).toEqual(['/tasks', '/api/v1/ping']);
    await app.close();
  });

  it('logs them all when LOG_STATIC_REQUESTS is on', async () => {
    const { app, requests } = await appLogging(true);
    for (const url of ['/assets/app-1234.js', '/', '/api/v1/ping']) await app.inject({ url });
    expect(requests()).toEqual(['/assets/app-1234.js', '/', '/api/v1/ping']);
    await app.close();
  });
});
