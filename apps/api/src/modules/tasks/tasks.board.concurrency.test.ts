/**
 * Concurrent board moves (issue 15 item 4) on PostgreSQL (PGlite is one session: nothing runs concurrently there):
 * 8 clients move tasks on a 1,000-task board at once, through the HTTP API. Afterwards every task is present
 * exactly once, positions are unique and ascend in board order, and each round of disjoint concurrent moves
 * left every moved task directly before the neighbour it was moved before (the last moves win, none is lost).
 * Moves of one column do not wait for each other (the column lock is shared) but wait for a renumbering (exclusive);
 * 24 moves into one gap meet on tasks_board_key and all pass on their exclusive retries; a move whose read waited
 * for a renumbering of its column writes nothing from the old keys (the gap guard) and runs again.
 */
import { sql } from 'drizzle-orm';
import { generateNKeysBetween } from 'fractional-indexing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { TASK_INDEXES } from '../projects/projects.backfill.repo';
import { boardLockMode, boardRetries } from './tasks.board';

vi.setConfig({ testTimeout: 600_000, hookTimeout: 300_000 });

const API = '/api/v1';
const TASKS = 1000;
const CLIENTS = 8;

interface Row {
  id: string;
  status: string;
  position: string | null;
}

/** The board's problems: tasks missing or twice, duplicate or unordered positions in a column. */
export function boardProblems(rows: Row[], ids: string[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
  for (const id of ids) if (seen.get(id) !== 1) problems.push(`task ${id} seen ${seen.get(id) ?? 0} times`);
  if (rows.length !== ids.length) problems.push(`${rows.length} rows for ${ids.length} tasks`);
  const byColumn = new Map<string, Row[]>();
  for (const r of rows) byColumn.set(r.status, [...(byColumn.get(r.status) ?? []), r]);
  for (const [status, col] of byColumn) {
    for (let i = 1; i < col.length; i++) {
      const a = col[i - 1]?.position;
      const b = col[i]?.position;
      if (a === null || b === null || a === undefined || b === undefined) problems.push(`${status}: unplaced task`);
      else if (!(a < b)) problems.push(`${status}: ${a} !< ${b}`);
    }
  }
  return problems;
}

describe('the board checker', () => {
  it('sees a duplicate position and a missing task', () => {
    const ok: Row[] = [
      { id: '1', status: 'pending', position: 'a0' },
      { id: '2', status: 'pending', position: 'a1' },
    ];
    expect(boardProblems(ok, ['1', '2'])).toEqual([]);
    expect(boardProblems([ok[0] as Row, { ...(ok[1] as Row), position: 'a0' }], ['1', '2']).length).toBe(1);
    expect(boardProblems([ok[0] as Row], ['1', '2']).length).toBe(2);
  });
});

/** A project of an owner and CLIENTS editors with `cards` placed cards in its pending column. */
async function sharedBoard(ctx: TestContext, cards: number) {
  const owner = await createUser(ctx.platform);
  const projectId: string = (
    await ctx.app.inject({ method: 'POST', url: `${API}/projects`, headers: owner.headers, payload: { name: 'B' } })
  ).json().data.id;
  const clients: TestUser[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const u = await createUser(ctx.platform);
    await ctx.database.db.transaction((tx) => ctx.modules.projects.service.addMember(tx, projectId, u.id, 'editor'));
    clients.push(u);
  }
  const keys = generateNKeysBetween(null, null, cards);
  const res = (await ctx.database.db.execute(sql`
    insert into tasks (user_id, project_id, title, status, position)
    select ${owner.id}::uuid, ${projectId}::uuid, 'card ' || k.n, 'pending', k.key
    from unnest(${`{${keys.join(',')}}`}::text[]) with ordinality as k(key, n)
    returning id`)) as unknown as { rows: Array<{ id: string }> };
  return { projectId, clients, ids: res.rows.map((r) => r.id) };
}

/** The live tasks of a project in board order (by status, then position). */
async function boardOf(ctx: TestContext, projectId: string): Promise<Row[]> {
  return (
    (await ctx.database.db.execute(sql`
      select id, status, position from tasks where project_id = ${projectId}::uuid and deleted_at is null
      order by status, (coalesce(position, '~' || id::text) collate "C")`)) as unknown as { rows: Row[] }
  ).rows;
}

describe.each(drivers().filter((d) => d === 'postgres'))('concurrent board moves on %s', (driver) => {
  let ctx: TestContext;
  let clients: TestUser[] = [];
  let projectId: string;
  let ids: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(driver);
    ({ projectId, clients, ids } = await sharedBoard(ctx, TASKS));
  });
  afterAll(async () => ctx?.close());

  const board = () => boardOf(ctx, projectId);

  const move = (u: TestUser, id: string, body: Record<string, unknown>) =>
    ctx.app.inject({ method: 'PATCH', url: `${API}/tasks/${id}`, headers: u.headers, payload: body });

  const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

  it('8 clients, 25 rounds of disjoint moves each: every moved task lands right before its neighbour', async () => {
    for (let round = 0; round < 25; round++) {
      const shuffled = [...ids].sort(() => Math.random() - 0.5);
      const pairs = clients.map((_, i) => ({ task: shuffled[2 * i] as string, before: shuffled[2 * i + 1] as string }));
      const results = await Promise.all(
        pairs.map((p, i) => move(clients[i] as TestUser, p.task, { before: p.before })),
      );
      for (const r of results) expect(r.statusCode, r.body).toBe(200);
      const rows = await board();
      expect(boardProblems(rows, ids)).toEqual([]);
      const order = rows.map((r) => r.id);
      for (const p of pairs) expect(order.indexOf(p.before) - order.indexOf(p.task)).toBe(1);
    }
  });

  it('8 clients moving at random across two columns (before / after / status): none lost, none duplicated', async () => {
    let ok = 0;
    await Promise.all(
      clients.map(async (u) => {
        for (let i = 0; i < 30; i++) {
          const rows = await board();
          const task = pick(rows);
          const neighbour = pick(rows.filter((r) => r.id !== task.id));
          const body =
            i % 3 === 0
              ? { status: task.status === 'pending' ? 'in_progress' : 'pending' }
              : i % 3 === 1
                ? { status: neighbour.status, before: neighbour.id }
                : { status: neighbour.status, after: neighbour.id };
          const r = await move(u, task.id, body);
          // A neighbour moved away meanwhile is a stale board (409), never a 500.
          expect([200, 409], r.body).toContain(r.statusCode);
          if (r.statusCode === 200) ok++;
        }
      }),
    );
    expect(ok).toBeGreaterThan(CLIENTS * 20);
    expect(boardProblems(await board(), ids)).toEqual([]);
  });

  /** An outside transaction holding the pending column's lock in `mode` until `release` is called. */
  async function holdColumn(
    mode: 'shared' | 'exclusive',
  ): Promise<{ client: pg.Client; release: (commit?: boolean) => Promise<void> }> {
    const { connectionString } = (ctx.database.pool?.options ?? {}) as { connectionString: string };
    const c = new pg.Client({ connectionString });
    await c.connect();
    await c.query('begin');
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await c.query(`select ${fn}(hashtextextended('board:' || $1::uuid::text || ':pending', 0))`, [projectId]);
    return {
      client: c,
      release: async (commit = false) => {
        await c.query(commit ? 'commit' : 'rollback');
        await c.end();
      },
    };
  }

  /** The request's answer, or 'waiting' when it has none within `ms`. */
  const within = <T>(p: Promise<T>, ms: number): Promise<T | 'waiting'> =>
    Promise.race([p, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), ms))]);

  it("a move does not wait for another holder of its column's shared lock, but waits for an exclusive one", async () => {
    const rows = (await board()).filter((r) => r.status === 'pending');
    const [task, target] = [rows[10] as Row, rows[500] as Row];
    const shared = await holdColumn('shared');
    try {
      const r = await within(move(clients[0] as TestUser, task.id, { before: target.id }), 5000);
      expect(r === 'waiting' ? r : r.statusCode).toBe(200);
    } finally {
      await shared.release();
    }
    // The planted fault: an exclusive holder (a renumbering) — the same move waits until it lets go.
    const exclusive = await holdColumn('exclusive');
    const pending = move(clients[0] as TestUser, task.id, { after: target.id });
    try {
      expect(await within(pending, 500)).toBe('waiting');
    } finally {
      await exclusive.release();
    }
    expect((await pending).statusCode).toBe(200);
    expect(boardProblems(await board(), ids)).toEqual([]);
  });

  it('a move that waited for a renumbering of its column reads the gap again: it lands right before its neighbour', async () => {
    const rows = (await board()).filter((r) => r.status === 'pending');
    const [task, target] = [rows[20] as Row, rows[600] as Row];
    const renumber = await holdColumn('exclusive');
    const pending = move(clients[0] as TestUser, task.id, { before: target.id });
    try {
      // The move's statement has started (its snapshot taken) and waits for the column.
      expect(await within(pending, 300)).toBe('waiting');
      // The renumbering: the column's order kept, every key new (all above the old ones, so none collides).
      const last = rows.at(-1)?.position as string;
      const keys = generateNKeysBetween(last, null, rows.length);
      await renumber.client.query(
        `update tasks t set position = k.key from unnest($1::uuid[], $2::text[]) as k(id, key) where t.id = k.id`,
        [rows.map((r) => r.id), keys],
      );
    } finally {
      await renumber.release(true);
    }
    const res = await pending;
    expect(res.statusCode, res.body).toBe(200);
    const order = (await board()).map((r) => r.id);
    // Without the gap guard the move keeps the key it computed from the old keys: below every new one, the top
    // of the column (checked by planting that).
    expect(order.indexOf(target.id) - order.indexOf(task.id)).toBe(1);
    expect(boardProblems(await board(), ids)).toEqual([]);
  });

  it('8 clients moving 24 cards before the same card at once: all 200, the 24 directly above it, keys unique', async () => {
    const rows = (await board()).filter((r) => r.status === 'pending');
    const target = rows[700] as Row;
    const moved = rows.slice(100, 100 + 3 * CLIENTS);
    const retriesBefore = boardRetries.count;
    // Retried in shared mode only, some of these run out of attempts (409): checked by planting that.
    const results = await Promise.all(
      moved.map((t, i) => move(clients[i % CLIENTS] as TestUser, t.id, { before: target.id })),
    );
    for (const r of results) expect(r.statusCode, r.body).toBe(200);
    // They met: the same gap gives the same key, so all but one failed on tasks_board_key and ran again.
    expect(boardRetries.count - retriesBefore).toBeGreaterThan(0);
    const after = await board();
    expect(boardProblems(after, ids)).toEqual([]);
    const order = after.map((r) => r.id);
    const at = order.indexOf(target.id);
    expect(new Set(order.slice(at - moved.length, at))).toEqual(new Set(moved.map((t) => t.id)));
  });

  it('50 concurrent creations into one column: every one 201, at the end of the column, on 50 distinct keys', async () => {
    const before = await board();
    const last = before.filter((r) => r.status === 'pending').at(-1)?.position as string;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ctx.app.inject({
          method: 'POST',
          url: `${API}/tasks`,
          headers: clients[i % CLIENTS]?.headers,
          payload: { title: `burst ${i}`, projectId, status: 'pending' },
        }),
      ),
    );
    for (const r of results) expect(r.statusCode, r.body).toBe(201);
    const created = results.map((r) => r.json().data as { id: string; position: string });
    expect(new Set(created.map((t) => t.position)).size).toBe(50);
    for (const t of created) expect(t.position > last).toBe(true);
    ids = [...ids, ...created.map((t) => t.id)];
    expect(boardProblems(await board(), ids)).toEqual([]);
  });
});

describe.each(drivers().filter((d) => d === 'postgres'))(
  'board moves before tasks_board_key is built, on %s',
  (driver) => {
    let ctx: TestContext;
    let projectId: string;
    let clients: TestUser[] = [];
    let ids: string[] = [];

    beforeAll(async () => {
      ctx = await createTestContext(driver);
      // A large database builds the unique index after its migrations (ensureTaskIndexes): until then it is absent.
      await ctx.database.db.execute(sql`drop index tasks_board_key`);
      ({ projectId, clients, ids } = await sharedBoard(ctx, 100));
    });
    afterAll(async () => ctx?.close());

    it('without the index, 24 moves before one card at once (exclusive): none shares a position', async () => {
      const mode = await boardLockMode(ctx.database.db);
      const rows = await boardOf(ctx, projectId);
      const target = rows[80] as Row;
      const moved = rows.slice(10, 10 + 3 * CLIENTS);
      const results = await Promise.all(
        moved.map((t, i) =>
          ctx.app.inject({
            method: 'PATCH',
            url: `${API}/tasks/${t.id}`,
            headers: (clients[i % CLIENTS] as TestUser).headers,
            payload: { before: target.id },
          }),
        ),
      );
      for (const r of results) expect(r.statusCode, r.body).toBe(200);
      const after = await boardOf(ctx, projectId);
      // With shared locks and no index to meet on, the 24 would all write the same key (checked by planting that).
      expect({ mode, problems: boardProblems(after, ids) }).toEqual({ mode: 'exclusive', problems: [] });
      const order = after.map((r) => r.id);
      const at = order.indexOf(target.id);
      expect(new Set(order.slice(at - moved.length, at))).toEqual(new Set(moved.map((t) => t.id)));
    });

    it('moves lock their column exclusive until the index is valid, then shared (asked again after 30 s)', async () => {
      const db = ctx.database.db;
      const t0 = Date.now() + 3_600_000; // a clock of its own: the process may have asked about this handle already
      expect(await boardLockMode(db, t0)).toBe('exclusive');
      await db.execute(
        sql.raw(
          `create unique index tasks_board_key on tasks ${TASK_INDEXES.tasks_board_key?.replace(/^USING btree /, '')}`,
        ),
      );
      expect(await boardLockMode(db, t0 + 29_000)).toBe('exclusive'); // not asked again yet
      expect(await boardLockMode(db, t0 + 31_000)).toBe('shared');
      await db.execute(sql`drop index tasks_board_key`);
      expect(await boardLockMode(db, t0 + 3_600_000)).toBe('shared'); // valid once: valid for the process
    });
  },
);
