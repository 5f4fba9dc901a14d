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
  writeFileSync(path.join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {})');
  writeFileSync(path.join(dist, 'manifest.webmanifest'), '{"name":"t"}');
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

describe('the service worker and the manifest (issue 16 item 8)', () => {
  it('serves sw.js as JavaScript that is revalidated on every load (a new version is seen at once)', async () => {
    const { app } = await appLogging();
    const sw = await app.inject({ url: '/sw.js' });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(sw.headers['cache-control']).toBe('no-cache');
    const manifest = await app.inject({ url: '/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(manifest.headers['cache-control']).toBe('no-cache');
    // Hashed assets keep their year (the service worker precaches them by revision).
    const asset = await app.inject({ url: '/assets/app-1234.js' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    await app.close();
  });

  it('never answers an API path with the app shell', async () => {
    const { app } = await appLogging();
    const res = await app.inject({ url: '/api/v1/nothing-here', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/json/);
    await app.close();
  });
});
