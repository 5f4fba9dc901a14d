#!/usr/bin/env node
/**
 * A DELIBERATELY INJECTABLE server: the positive control of the sqlmap gate (bench/security/sqlmap.mjs).
 * It is a separate process that exists only in this test harness; the product (apps/api) has no such route.
 * Two routes concatenate request input into SQL, the way the bug would look if it ever crept in:
 *   GET  /planted/notes?q=...           WHERE title = '<q>'                       (a query-string parameter)
 *   POST /planted/login {email,password} WHERE email = '<email>' AND secret = '<password>' (a JSON body)
 * A database error answers a generic 500 (no SQL in the body), so sqlmap has to find it the hard way (boolean or
 * time-based), as it would against the real API.
 *
 * Database: PLANTED_DATABASE_URL (PostgreSQL, through `pg`), else an in-memory PGlite. Listens on 127.0.0.1 and an
 * ephemeral port (PORT=0 by default), prints `listening <port>` on stdout, and counts the requests it served
 * (GET /planted/stats). PLANTED_FIXED=1 binds the values instead (the control must then fail the gate).
 */
import { createServer } from 'node:http';

const schema = 'planted_sqli';
const fixed = process.env.PLANTED_FIXED === '1';
let query;
let close;
if (process.env.PLANTED_DATABASE_URL) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: process.env.PLANTED_DATABASE_URL, max: 8 });
  query = async (sql, params) => (await pool.query(sql, params)).rows;
  close = () => pool.end();
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  query = async (sql, params) => (await db.query(sql, params)).rows;
  close = () => db.close();
}
await query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
await query(`DROP TABLE IF EXISTS ${schema}.notes`);
await query(`CREATE TABLE ${schema}.notes (id serial PRIMARY KEY, title text NOT NULL, body text NOT NULL)`);
await query(
  `INSERT INTO ${schema}.notes (title, body) VALUES ('report', 'quarterly numbers'), ('invoice', 'march'), ('review', 'code')`,
);
await query(`DROP TABLE IF EXISTS ${schema}.accounts`);
await query(`CREATE TABLE ${schema}.accounts (id serial PRIMARY KEY, email text NOT NULL, secret text NOT NULL)`);
await query(`INSERT INTO ${schema}.accounts (email, secret) VALUES ('ada@example.test', 'correct horse')`);

let served = 0;
const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const readBody = (req) =>
  new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      s += d;
    });
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/planted/stats') return json(res, 200, { served });
  served += 1;
  try {
    if (req.method === 'GET' && url.pathname === '/planted/notes') {
      const q = url.searchParams.get('q') ?? '';
      // THE PLANTED BUG: user input concatenated into SQL (PLANTED_FIXED=1: bound, to show the control failing).
      const rows = fixed
        ? await query(`SELECT id, title, body FROM ${schema}.notes WHERE title = $1 ORDER BY id`, [q])
        : await query(`SELECT id, title, body FROM ${schema}.notes WHERE title = '${q}' ORDER BY id`);
      return json(res, 200, { data: rows });
    }
    if (req.method === 'POST' && url.pathname === '/planted/login') {
      let body;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return json(res, 400, { error: 'bad json' });
      }
      // THE PLANTED BUG, in a JSON body.
      const rows = fixed
        ? await query(`SELECT id, email FROM ${schema}.accounts WHERE email = $1 AND secret = $2`, [
            String(body.email),
            String(body.password),
          ])
        : await query(
            `SELECT id, email FROM ${schema}.accounts WHERE email = '${body.email}' AND secret = '${body.password}'`,
          );
      return rows.length ? json(res, 200, { user: rows[0] }) : json(res, 401, { error: 'invalid credentials' });
    }
    return json(res, 404, { error: 'not found' });
  } catch {
    return json(res, 500, { error: 'internal error' });
  }
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const stop = () => server.close(() => Promise.resolve(close()).finally(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
