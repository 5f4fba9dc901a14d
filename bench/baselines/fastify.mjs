/**
 * baseline-fastify: one Fastify route with a JSON-schema response (fast-json-stringify), same SQL and bytes.
 * Conditional GET (P2's baseline): the list carries a weak ETag made the way the API makes its own — the user's
 * data version (here an in-process counter, like the API's in-process cache) and a hash of the query — checked
 * before the query runs, so a matching If-None-Match is a 304 without touching PostgreSQL, as in the API.
 */
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { envelope, envelopeSchema, listRows, pool } from './common.mjs';

const db = pool();
const app = Fastify({ logger: false, keepAliveTimeout: 72_000 });
/** userId → data version (no writes reach a baseline: the version stays at its first value). */
const versions = new Map();
const epoch = createHash('sha256').update(String(process.pid)).digest('base64url').slice(0, 8);

function listEtag(userId, url) {
  let v = versions.get(userId);
  if (v === undefined) {
    v = `${epoch}.1`;
    versions.set(userId, v);
  }
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const h = createHash('sha256').update(`${userId}|${query}`).digest('base64url').slice(0, 16);
  return `W/"l-${v}-${h}"`;
}

/** RFC 9110 weak comparison against a list of tags (or *). */
function matches(ifNoneMatch, etag) {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

app.get('/health/live', async () => ({ status: 'ok' }));
app.get('/api/v1/tasks', { schema: { response: { 200: envelopeSchema } } }, async (req, reply) => {
  const userId = req.headers['x-user-id'];
  const etag = listEtag(userId, req.url);
  reply.header('etag', etag);
  if (matches(req.headers['if-none-match'], etag)) return reply.code(304).send();
  return envelope(userId, await listRows(db, req.headers['x-project-id']));
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => db.end().then(() => process.exit(0))));
