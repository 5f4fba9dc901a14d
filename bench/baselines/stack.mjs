/** baseline-stack: bare node:http + node-postgres (prepared) + JSON.stringify — the floor of any Node server here. */
import http from 'node:http';
import { envelope, listRows, pool } from './common.mjs';

const db = pool();
const server = http.createServer(async (req, res) => {
  if (req.url === '/health/live') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const userId = req.headers['x-user-id'];
  try {
    const body = JSON.stringify(envelope(userId, await listRows(db, req.headers['x-project-id'])));
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  } catch {
    res.writeHead(500).end();
  }
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => db.end().then(() => process.exit(0))));
