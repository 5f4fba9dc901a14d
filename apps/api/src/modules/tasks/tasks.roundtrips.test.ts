/**
 * Round trips of the hot task writes and reads (issue 20 items 1–3; bench P1, P6 and P17): every statement the API
 * runs is counted (the pool's clients, transactions included; BEGIN and COMMIT count).
 * - POST /tasks and PATCH /tasks/:id (status and title) take at most 2 each: the create or the update with its
 *   history/outbox row in one statement (the project's members, whose caches the write invalidates, read by it),
 *   and the one before it (the column's end key, or the PATCH's read of task, the caller's role and the new
 *   column's end). Planted fault: the PATCH forced onto the general path (read under a row lock, then the update,
 *   then the history insert, in a transaction) exceeds the bound.
 * - GET /tasks takes 1: the page (the read scope is kept per data version). Planted: asked without it, 2.
 * - One outbox drain takes fewer than 5 (BEGIN, the batch taken and marked with its audiences, the webhooks sink's
 *   subscribers, COMMIT).
 * On both drivers (test/statement-counter.ts counts PGlite's statements from the protocol messages it is given):
 * in-process, PGlite's statements cost no network, but each is still parsed, planned and run on the API's thread.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import type { TestUser } from '../../test/factories';
import { statementCounter } from '../../test/statement-counter';
import { openTasksSuite, type PostTask } from '../../test/tasks-http';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';
const WRITE_MAX = 2;
/**
 * With an Idempotency-Key: BEGIN, the key claimed with the column's lock (one statement), its end key, the task
 * with its history/outbox row and the members (one statement), the response stored, COMMIT.
 */
const KEYED_MAX = 6;
/** BEGIN, the task (locked, after its column) with the caller's role and the neighbour, the write with its history, COMMIT. */
const MOVE_MAX = 4;
const DRAIN_MAX = 4;
/**
 * The webhooks dispatcher's claim: a drain's commit kicks the dispatch job, which then runs on its own (its
 * statements inherit the async context of the kick); they are the dispatcher's round trips, not the drain's.
 */
const DISPATCHER = /^ ?update webhook_deliveries d set locked_until/;
/** The auth plugin's session check (cached for a moment, so some requests make it): the request's, not the write's. */
const SESSION_CHECK = /^select "users"\."role" from "sessions"/;

describe.each(drivers())('round trips of task writes on %s', (driver) => {
  let ctx: TestContext;
  let alice: TestUser;
  let post: PostTask;
  const counter = statementCounter(() => ctx?.database.pglite);

  beforeAll(async () => {
    ({ ctx, alice, post } = await openTasksSuite(driver));
    await counter.install();
  });
  afterAll(async () => {
    counter.uninstall();
    await ctx?.close();
  });

  /** The statements `fn` sends, with the outbox relay held off (its drain is counted on its own). */
  async function count(fn: () => Promise<unknown>): Promise<string[]> {
    const relay = ctx.modules.tasks.relay;
    await relay.idle();
    const kick = relay.kick;
    relay.kick = () => {};
    let seen: string[];
    try {
      seen = await counter.count(fn);
    } finally {
      relay.kick = kick;
    }
    return seen.filter((s) => !DISPATCHER.test(s) && !SESSION_CHECK.test(s));
  }

  const patch = (id: string, payload: object, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'PATCH', url: `${BASE}/${id}`, headers: { ...alice.headers, ...headers }, payload });

  it(`POST /tasks takes at most ${WRITE_MAX} statements`, async () => {
    await post(alice, { title: 'warm-up' }); // the inbox id is then known
    let status = 0;
    const sent = await count(async () => {
      status = (await post(alice, { title: 'counted', priority: 'high' })).statusCode;
    });
    expect(status).toBe(201);
    expect(sent.length, sent.join('\n')).toBeLessThanOrEqual(WRITE_MAX);
  });

  it('a warm POST and a warm PATCH build no Drizzle query (their statements are fixed texts or prepared once)', async () => {
    const db = ctx.database.db;
    const built = vi.spyOn(db, 'select');
    try {
      const made = await post(alice, { title: 'built once' });
      expect(made.statusCode).toBe(201);
      const id = made.json().data.id as string;
      built.mockClear();
      expect((await patch(id, { status: 'in_progress', title: 'cold' })).statusCode).toBe(200);
      // Planted, in effect: the first PATCH of a shape builds its read (what every PATCH did before).
      const cold = built.mock.calls.length;
      built.mockClear();
      expect((await patch(id, { status: 'completed', title: 'warm' })).statusCode).toBe(200);
      expect((await post(alice, { title: 'warm create' })).statusCode).toBe(201);
      expect({ cold: cold > 0, warm: built.mock.calls.length }).toEqual({ cold: true, warm: 0 });
    } finally {
      built.mockRestore();
    }
  });

  it(`POST /tasks with an Idempotency-Key takes at most ${KEYED_MAX} statements, and records the same history`, async () => {
    let status = 0;
    let id = '';
    const sent = await count(async () => {
      const res = await post(alice, { title: 'keyed', priority: 'high' }, { 'idempotency-key': `rt-${Date.now()}` });
      status = res.statusCode;
      id = res.json().data.id;
    });
    expect(status).toBe(201);
    // Before: 11 (the task and its history as two inserts, the members read after COMMIT), then 8 (the key read
    // before the transaction, the claim and the column lock apart). Planted: the 8-statement code fails this bound.
    expect(sent.length, sent.join('\n')).toBeLessThanOrEqual(KEYED_MAX);
    const plain = (await post(alice, { title: 'keyed', priority: 'high' })).json().data.id;
    const history = async (taskId: string) => {
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/${taskId}/history`, headers: alice.headers });
      return res.json().data.map((e: { type: string; changes: object }) => ({ type: e.type, changes: e.changes }));
    };
    const keyed = await history(id);
    expect(keyed).toHaveLength(1);
    expect(keyed).toEqual(await history(plain));
  });

  it(`PATCH /tasks/:id (status and title, with If-Match) takes at most ${WRITE_MAX} statements`, async () => {
    const created = await post(alice, { title: 'to patch' });
    const task = created.json().data;
    let res: Awaited<ReturnType<typeof patch>> | undefined;
    const sent = await count(async () => {
      res = await patch(
        task.id,
        { status: 'in_progress', title: 'patched' },
        { 'if-match': String(created.headers.etag) },
      );
    });
    expect(res?.statusCode).toBe(200);
    expect(res?.json().data).toMatchObject({ status: 'in_progress', title: 'patched', version: 2 });
    expect(sent.length, sent.join('\n')).toBeLessThanOrEqual(WRITE_MAX);
    const plain = await count(() => patch(task.id, { status: 'completed', title: 'done' }));
    expect(plain.length, plain.join('\n')).toBeLessThanOrEqual(WRITE_MAX);
  });

  it('planted fault: the PATCH on its general path (read under a lock, update, history) exceeds the bound', async () => {
    const task = (await post(alice, { title: 'general path' })).json().data;
    const writes = ctx.modules.tasks.service.writes as unknown as { quickUpdate: (...a: unknown[]) => unknown };
    const quick = writes.quickUpdate;
    writes.quickUpdate = async () => undefined; // every PATCH takes the transaction with its read-before-write
    try {
      let status = 0;
      const sent = await count(async () => {
        status = (await patch(task.id, { status: 'in_progress', title: 'slow' })).statusCode;
      });
      expect(status).toBe(200);
      expect(sent.length).toBeGreaterThan(WRITE_MAX);
    } finally {
      writes.quickUpdate = quick;
    }
  });

  it('GET /tasks (every project, or ?projectId=) takes 1 statement: the scope is kept per data version', async () => {
    const inbox = (await post(alice, { title: 'listed' })).json().data.projectId as string;
    const list = (query = '') => ctx.app.inject({ method: 'GET', url: `${BASE}${query}`, headers: alice.headers });
    expect((await list()).statusCode).toBe(200); // the scope at this version is read once
    let res: Awaited<ReturnType<typeof list>> | undefined;
    const sent = await count(async () => {
      res = await list();
    });
    expect(res?.statusCode).toBe(200);
    expect(res?.json().data.map((t: { title: string }) => t.title)).toContain('listed');
    expect(sent, sent.join('\n')).toHaveLength(1);
    const one = await count(async () => {
      res = await list(`?projectId=${inbox}`);
    });
    expect(res?.statusCode, res?.body).toBe(200);
    expect(res?.json().data.map((t: { title: string }) => t.title)).toContain('listed');
    expect(one, one.join('\n')).toHaveLength(1);
    // A write moves the version: the next list reads the scope again, the one after does not.
    await post(alice, { title: 'moves the version' });
    expect(await count(() => list())).toHaveLength(2);
    expect(await count(() => list())).toHaveLength(1);
    // Planted fault: the scope asked without the version (as before) costs a membership statement on every list.
    const policy = ctx.modules.projects.policy;
    const readScope = policy.readScope;
    policy.readScope = (userId, projectId, db) => readScope.call(policy, userId, projectId, db);
    try {
      expect(await count(() => list())).toHaveLength(2);
    } finally {
      policy.readScope = readScope;
    }
  });

  it(`a board move (PATCH {status, before}) takes at most ${MOVE_MAX} statements, ${MOVE_MAX - 2} under the column lock`, async () => {
    const a = (await post(alice, { title: 'card a', status: 'in_progress' })).json().data;
    const b = (await post(alice, { title: 'card b' })).json().data;
    let res: Awaited<ReturnType<typeof patch>> | undefined;
    const sent = await count(async () => {
      res = await patch(b.id, { status: 'in_progress', before: a.id });
    });
    expect(res?.statusCode, res?.body).toBe(200);
    expect(res?.json().data).toMatchObject({ status: 'in_progress', version: 2 });
    expect(res?.json().data.position < a.position).toBe(true);
    expect(sent.length, sent.join('\n')).toBeLessThanOrEqual(MOVE_MAX);
    // Planted fault: the general path (role, update and history as separate statements, the audience after).
    const writes = ctx.modules.tasks.service.writes as unknown as { boardMove: (...a: unknown[]) => unknown };
    const move = writes.boardMove;
    writes.boardMove = async () => undefined;
    try {
      const general = await count(async () => {
        res = await patch(b.id, { after: a.id });
      });
      expect(res?.statusCode, res?.body).toBe(200);
      expect(general.length).toBeGreaterThan(MOVE_MAX);
    } finally {
      writes.boardMove = move;
    }
  });

  it(`one outbox drain takes fewer than 5 statements (${DRAIN_MAX}), and publishes the batch once`, async () => {
    const relay = ctx.modules.tasks.relay;
    await relay.idle();
    const kick = relay.kick;
    relay.kick = () => {};
    try {
      // A batch of several changes in two projects (the inbox and another one) — audiences of both.
      const other = (
        await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/projects',
          headers: alice.headers,
          payload: { name: 'P' },
        })
      ).json().data;
      for (let i = 0; i < 5; i++) await post(alice, { title: `drained ${i}` });
      const moved = (await post(alice, { title: 'elsewhere', projectId: other.id })).json().data;
      await patch(moved.id, { title: 'elsewhere 2' });
      let published = 0;
      const sent = await count(async () => {
        published = await relay.drainOnce(200);
      });
      expect(published).toBeGreaterThanOrEqual(7);
      expect(sent.length, sent.join('\n')).toBeLessThan(5);
      expect(sent.length).toBeLessThanOrEqual(DRAIN_MAX);
      const empty = await count(() => relay.drainOnce(200));
      expect(empty, empty.join('\n')).toHaveLength(3); // BEGIN, the (empty) take, COMMIT
    } finally {
      relay.kick = kick;
    }
  });
});
