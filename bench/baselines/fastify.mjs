/** baseline-fastify: one Fastify route with a JSON-schema response (fast-json-stringify), same SQL and bytes. */
import Fastify from 'fastify';
import { envelope, envelopeSchema, listRows, pool } from './common.mjs';

const db = pool();
const app = Fastify({ logger: false, keepAliveTimeout: 72_000 });
app.get('/health/live', async () => ({ status: 'ok' }));
app.get('/api/v1/tasks', { schema: { response: { 200: envelopeSchema } } }, async (req) => {
  const userId = req.headers['x-user-id'];
  return envelope(userId, await listRows(db, userId));
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => db.end().then(() => process.exit(0))));
