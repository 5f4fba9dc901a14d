/** baseline-express: the same handler in Express 5 (res.json → JSON.stringify), same SQL and bytes. */
import express from 'express';
import { envelope, listRows, pool } from './common.mjs';

const db = pool();
const app = express();
app.disable('etag');
app.get('/health/live', (_req, res) => res.json({ status: 'ok' }));
app.get('/api/v1/tasks', async (req, res) => {
  const userId = req.get('x-user-id');
  try {
    res.json(envelope(userId, await listRows(db, req.get('x-project-id'))));
  } catch {
    res.status(500).end();
  }
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.keepAliveTimeout = 72_000;
process.on('SIGTERM', () => server.close(() => db.end().then(() => process.exit(0))));
