/**
 * One database interface over two drivers: embedded PGlite (persisted under DATA_DIR) when DATABASE_URL is unset,
 * a sized node-postgres pool with connection and statement timeouts when it is set. Repositories only see `Db`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite, parse as pgliteParse, protocol } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import * as tar from 'tar';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle has the query API of Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/**
 * A hot read that skips Drizzle's per-row mapping: the statement (built once by Drizzle) goes straight to the
 * driver and rows come back as arrays. Registered for the two long-lived handles of each database (primary and
 * reader); a transaction handle has none.
 */
export type RawExecutor = (
  statement: { name?: string | undefined; text: string },
  params: unknown[],
) => Promise<unknown[][]>;
const rawExecutors = new WeakMap<object, RawExecutor>();

/** The handles of single-session databases (PGlite). */
const singleSession = new WeakSet<object>();

/**
 * True for the embedded database (PGlite): one session on this thread, so an open transaction holds the database
 * for every request until it ends, and a long one freezes them all (R11). Long work there commits in short pieces.
 */
export function isSingleSession(db: DbOrTx): boolean {
  return singleSession.has(db);
}

export function rawExecutor(db: DbOrTx): RawExecutor {
  const run = rawExecutors.get(db);
  if (!run) throw new Error('no raw executor for this database handle (transactions have none)');
  return run;
}

/**
 * A raw executor for any handle: the long-lived handle's own, or for a transaction the same statement through the
 * transaction's Drizzle session in array mode (rows as arrays in column order, as the raw executors give them). A
 * named statement stays named in a transaction: node-postgres parses it once per connection (a board move's
 * statements were parsed and planned on every call: about 1.1 ms of PostgreSQL's time each, P14); PGlite's
 * transaction session sends it unnamed.
 */
export function executorOf(db: DbOrTx): RawExecutor {
  const run = rawExecutors.get(db);
  if (run) return run;
  return async (statement, params) =>
    (await db._.session
      .prepareQuery({ sql: statement.text, params }, undefined, statement.name, true, (rows) => rows)
      .execute()) as unknown[][];
}

/** The raw executor of a long-lived handle, or undefined for a transaction handle (which keeps Drizzle's path). */
export function rawExecutorOf(db: DbOrTx): RawExecutor | undefined {
  return rawExecutors.get(db);
}

function poolExecutor(pool: pg.Pool): RawExecutor {
  return async (statement, params) =>
    (await pool.query({ name: statement.name, text: statement.text, values: params, rowMode: 'array' })).rows;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  /** The primary: every write, and reads that must see the caller's own writes. */
  db: Db;
  /** Lag-tolerant reads (stats, export, admin lists); the primary when no replica is configured. */
  reader: Db;
  /** True when `reader` is a separate replica. */
  hasReplica: boolean;
  /** A cheap round trip for readiness checks. */
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
  /** The raw PGlite instance in embedded mode (migrations, tests). */
  pglite?: PGlite;
  pool?: pg.Pool;
}

export interface PostgresOptions {
  url: string;
  replicaUrl?: string | undefined;
  poolMax: number;
  /** Per statement, on the server and (+1 s) on the client; 0 for none. */
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  applicationName?: string;
}

/**
 * Session settings of every connection, on both drivers. pg_trgm's word-similarity threshold decides what the
 * typo fallback of `q=` finds (`<%`, through the trigram index): at the default 0.6 it missed a swapped pair of
 * letters ("cotnract" scores 0.38 against "contract", "meeitng" 0.38) and even a dropped one in a short word
 * ("invoce" 0.57); at 0.35 those match while an unrelated word of the same shape ("contact" for "cotnract",
 * 0.31) still does not. It only applies when nothing matches the words.
 */
const SESSION_OPTIONS = ['pg_trgm.word_similarity_threshold=0.35'];

function makePool(url: string, o: PostgresOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: o.poolMax,
    connectionTimeoutMillis: o.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // 0: no limit (maintenance commands: migrations, a bulk seed, re-encryption).
    statement_timeout: o.statementTimeoutMs || undefined,
    query_timeout: o.statementTimeoutMs ? o.statementTimeoutMs + 1000 : undefined,
    application_name: o.applicationName ?? 'primetrade-api',
    keepAlive: true,
    options: SESSION_OPTIONS.map((kv) => `-c ${kv}`).join(' '),
  });
  // An idle client that loses its connection (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // So must a client that loses it while checked out (inside a transaction, between two statements): the pool
  // removes its error listener on checkout, and an 'error' event without one throws. The statement in flight
  // still gets the error, and the pool discards the client on release (it is no longer queryable).
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

export function openPostgres(o: PostgresOptions): Database {
  const pool = makePool(o.url, o);
  const replicaPool = o.replicaUrl ? makePool(o.replicaUrl, o) : undefined;
  const db = drizzlePg(pool, { schema, casing: 'snake_case' }) as unknown as Db;
  const reader = replicaPool ? (drizzlePg(replicaPool, { schema, casing: 'snake_case' }) as unknown as Db) : db;
  rawExecutors.set(db, poolExecutor(pool));
  if (replicaPool) rawExecutors.set(reader, poolExecutor(replicaPool));
  return {
    kind: 'postgres',
    db,
    reader,
    hasReplica: replicaPool !== undefined,
    pool,
    async ping() {
      await pool.query('select 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await Promise.all([pool.end(), replicaPool?.end()]);
    },
  };
}

/**
 * PostgreSQL settings for the embedded server: its shared buffers live in the process's memory (WASM), and the
 * default 128 MB is most of an idle instance's RSS; the data set of one embedded install is small. 16 MB (2,048
 * pages): the first start's idle RSS measured median 282 MB (266–309, 6 runs) against 308 MB (285–357) at 32 MB,
 * interleaved on the same build otherwise (bench P10, < 300 MB; docs/performance.md).
 * gin_pending_list_limit: the GIN indexes of tasks (search, trigram, tags) collect new entries in a pending list
 * and merge it in one go inside whichever insert fills it; at the default 4 MB that merge is one statement of
 * seconds here, during which nobody else gets the database (R11). A smaller list merges often and briefly.
 */
const PGLITE_CONF = ['shared_buffers=16MB', 'gin_pending_list_limit=128kB', ...SESSION_OPTIONS];

/**
 * PGlite runs each statement to completion on this thread (WASM). Behind its mutex, queued statements would run
 * back to back in one stretch of microtasks, and under load the event loop would not see a timer or a socket until
 * the whole queue had drained (bench P12: lag p99 120–135 ms at 50 connections). Here statements (and
 * transactions) queue in order, and once PGLITE_SLICE_MS of back-to-back work has passed the next one waits a loop
 * turn (setImmediate), so the lag is bounded by the slice plus the longest single statement, not by the queue
 * (P12: lag p99 18–19 ms, the throughput ratio unchanged within the noise). Statements inside a transaction go
 * through its own handle and are not delayed.
 */
const PGLITE_SLICE_MS = 10;

function yieldBetweenQueries(client: PGlite, budgetMs = PGLITE_SLICE_MS): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  let since = performance.now();
  const turn = (): Promise<void> | undefined => {
    if (performance.now() - since < budgetMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        since = performance.now();
        resolve();
      }),
    );
  };
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = tail.then(turn).then(run);
    tail = next.catch(() => undefined);
    return next;
  };
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((...args: Parameters<typeof query>) => serial(() => query(...args))) as typeof client.query;
  client.exec = ((...args: Parameters<typeof exec>) => serial(() => exec(...args))) as typeof client.exec;
  client.transaction = ((...args: Parameters<typeof transaction>) =>
    serial(() => transaction(...args))) as typeof client.transaction;
  return serial;
}

/** Runs work in the order of PGlite's statement queue (yieldBetweenQueries). */
type Serial = <T>(run: () => Promise<T>) => Promise<T>;

/**
 * The raw executor of the embedded database. PGlite's query() sends its statement unnamed, so every call parses,
 * describes and plans it again: 0.5 of the 1.3 ms a list page took in PGlite (measured with 300 tasks: 1.32 ms
 * unnamed, 0.83 ms prepared). A named statement (the hot reads and writes, as on PostgreSQL through node-postgres)
 * is parsed once per process and then only bound and executed, in one protocol exchange; an unnamed one keeps
 * query(). Both go through the same queue and the same exclusive locks as query(), so a statement never runs
 * inside another caller's transaction.
 */
function pgliteExecutor(client: PGlite, serial: Serial): RawExecutor {
  const { serialize } = protocol;
  const paramTypes = new Map<string, number[]>();
  const send = async (...messages: Uint8Array[]) => {
    const buffer = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
    let at = 0;
    for (const m of messages) {
      buffer.set(m, at);
      at += m.length;
    }
    return (await client.execProtocol(buffer)).messages;
  };
  return async (statement, params) => {
    const name = statement.name;
    if (!name) return (await client.query<unknown[]>(statement.text, params, { rowMode: 'array' })).rows;
    return serial(() =>
      client._runExclusiveTransaction(() =>
        client._runExclusiveQuery(async () => {
          let types = paramTypes.get(name);
          if (!types) {
            const described = await send(
              serialize.parse({ name, text: statement.text }),
              serialize.describe({ type: 'S', name }),
              serialize.sync(),
            );
            const found = described.find((m) => m.name === 'parameterDescription') as unknown as {
              dataTypeIDs: number[];
            };
            types = found.dataTypeIDs;
            paramTypes.set(name, types);
          }
          const values = params.map((v, i) => {
            if (v === null || v === undefined) return null;
            const serializer = client.serializers[types[i] as number];
            return serializer ? serializer(v) : String(v);
          });
          const messages = await send(
            serialize.bind({ statement: name, values }),
            serialize.describe({ type: 'P' }),
            serialize.execute({}),
            serialize.sync(),
          );
          const [result] = pgliteParse.parseResults(messages, client.parsers, { rowMode: 'array' });
          return (result?.rows ?? []) as unknown[][];
        }),
      ),
    );
  };
}

/**
 * A fresh data directory from the template: the tarball is unpacked on disk (into a sibling, then renamed into
 * place, so a crash midway leaves no half directory) and PGlite opens it as an existing cluster. Handing it to
 * PGlite as `loadDataDir` instead unpacks it inside the WASM heap, which never shrinks: ~100 MB more resident
 * for the life of the process (bench P10).
 */
function unpackTemplate(template: string, dir: string): void {
  const staging = `${dir}.unpacking-${randomBytes(4).toString('hex')}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  tar.x({ file: template, cwd: staging, sync: true });
  rmSync(dir, { recursive: true, force: true }); // empty, or a directory initdb never finished
  renameSync(staging, dir);
}

/** Templates for in-memory databases, unpacked once per process (tests open hundreds of databases from one). */
const memoryTemplates = new Map<string, Blob>();

function memoryTemplate(template: string): Blob {
  let blob = memoryTemplates.get(template);
  if (!blob) {
    blob = new Blob([gunzipSync(readFileSync(template))]);
    memoryTemplates.set(template, blob);
  }
  return blob;
}

/**
 * Embedded PostgreSQL (WASM). `dataDir` undefined → in memory (tests). A fresh data directory starts from
 * `template` (a migrated data directory tarball, see pglite-template.ts) instead of running initdb: on disk it is
 * unpacked into place; in memory it is handed to PGlite as `loadDataDir` (~0.4 s here instead of initdb's ~3 s,
 * which is what makes a test suite that opens a database per context affordable).
 */
export async function openPglite(dataDir?: string, template?: string): Promise<Database> {
  let dir: string | undefined;
  if (dataDir) {
    dir = path.resolve(dataDir, 'pglite');
    if (template && !existsSync(path.join(dir, 'PG_VERSION'))) unpackTemplate(template, dir);
    mkdirSync(dir, { recursive: true });
  }
  const client = await PGlite.create(dir, {
    extensions: { pg_trgm, btree_gin },
    postgresqlconf: PGLITE_CONF,
    ...(!dir && template ? { loadDataDir: memoryTemplate(template) } : {}),
  });
  const serial = yieldBetweenQueries(client);
  const db = drizzlePglite(client, { schema, casing: 'snake_case' }) as unknown as Db;
  singleSession.add(db);
  rawExecutors.set(db, pgliteExecutor(client, serial));
  let closed = false;
  return {
    kind: 'pglite',
    db,
    reader: db,
    hasReplica: false,
    pglite: client,
    async ping() {
      await client.query('select 1');
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
