/**
 * Serves the built web app on the API's port: hashed assets cached for a year (immutable), index.html never
 * cached, and client routes answered with index.html (SPA fallback). API paths never fall back.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendProblem } from './errors';

function findWebDist(configured?: string): string | undefined {
  if (configured) return existsSync(path.join(configured, 'index.html')) ? path.resolve(configured) : undefined;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'apps', 'web', 'dist');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    const sibling = path.join(dir, 'web', 'dist');
    if (existsSync(path.join(sibling, 'index.html'))) return sibling;
    dir = path.dirname(dir);
  }
  return undefined;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Primetrade Tasks</title></head>
<body><h1>Primetrade Tasks</h1><p>The web app is not built. Run <code>npm run build</code>, or use the API at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

export interface WebPluginOptions {
  /** SERVE_WEB: false leaves the web app to another server. */
  serveWeb: boolean;
  /** WEB_DIST_DIR, else apps/web/dist found from here. */
  webDistDir?: string | undefined;
  /** LOG_STATIC_REQUESTS: log the web app's files too (else their routes log at `warn` only, i.e. not per request). */
  logStaticRequests?: boolean;
}

async function web(app: FastifyInstance, { serveWeb, webDistDir, logStaticRequests = false }: WebPluginOptions) {
  if (!serveWeb) return;
  // The access-log line is written at `info`; a file route at `warn` keeps errors and drops the per-file line.
  const logLevel = logStaticRequests ? undefined : 'warn';
  const dist = findWebDist(webDistDir);
  const indexHtml = dist ? readFileSync(path.join(dist, 'index.html'), 'utf8') : NOT_BUILT;

  if (dist) {
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      ...(logLevel ? { logLevel } : {}),
      index: false,
      wildcard: false,
      decorateReply: false,
      // Our setHeaders decides: with send's own header on, its `public, max-age=0` replaced ours (set before it).
      cacheControl: false,
      setHeaders: (res, filePath) => {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) {
          res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        } else {
          // index.html, sw.js (the service worker: a new version must be seen on the next load), the manifest.
          res.setHeader('cache-control', 'no-cache');
        }
      },
    });
  }

  const sendIndex = (reply: import('fastify').FastifyReply) =>
    reply
      .code(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(indexHtml);

  app.get('/', { schema: { hide: true }, ...(logLevel ? { logLevel } : {}) }, async (_req, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    if (url.startsWith('/api/') || url.startsWith('/health/') || url === '/metrics' || path.extname(url) !== '') {
      return sendProblem(reply, 404, 'NOT_FOUND', `No route for GET ${url}`);
    }
    return sendIndex(reply);
  });
}

export const webPlugin = fp(web, { name: 'web' });
