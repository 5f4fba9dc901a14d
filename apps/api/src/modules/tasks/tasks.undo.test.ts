/**
 * Undo (issue 16 defect 2; api.md "Undo"): DELETE /tasks/:id and bulk delete are soft deletes, a deleted task is
 * invisible everywhere else (get, list, count, search, stats, export, bulk, history, PATCH, reminders, admin
 * counts) until POST /tasks/:id/restore brings it back, and the purge job removes it 30 days after the delete.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeJobs } from '../../composition';
import { taskCountsByStatus } from '../admin/admin.repo';
import { findDue } from '../reminders/reminders.repo';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';
import { seedTask } from './index';
import { listQuery } from './tasks.list.repo';
import { PURGE_JOB, purgeDeleted } from './tasks.purge';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';
const DAY = 86_400_000;

describe.each(drivers())('soft delete, restore and purge on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTasksContext(driver);
  });
  afterAll(async () => ctx?.close());

  const req = (u: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, extra: object = {}) =>
    ctx.app.inject({ method, url: `${BASE}${url}`, headers: u.headers, ...extra });
  const withHeaders = (u: TestUser, h: Record<string, string>) => ({ headers: { ...u.headers, ...h } });
  const rows = async (q: ReturnType<typeof sql>) =>
    ((await ctx.database.db.execute(q)) as unknown as { rows: Array<Record<string, unknown>> }).rows;
  /** Move a deleted task's deletion `days` into the past (as if deleted then). */
  const deletedDaysAgo = (id: string, days: number) =>
    ctx.database.db.execute(
      sql`update tasks set deleted_at = now() - make_interval(days => ${days}) where id = ${id}::uuid`,
    );
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      ctx.modules.tasks.relay.kick();
      await ctx.modules.tasks.relay.idle();
    }
  };

  it('delete → invisible to every read and write; restore → back with a new version and a restored entry', async () => {
    const u = await createUser(ctx.platform);
    const keep = await seedTask(ctx.database.db, u.id, { title: 'zephyr keep', status: 'pending' });
    const created = await req(u, 'POST', '', { payload: { title: 'zephyr gone', dueDate: new Date().toISOString() } });
    expect(created.statusCode).toBe(201);
    const task = created.json().data;
    // A live-task baseline: each read below sees the task before the delete (so "not seen" means something).
    const listBefore = await req(u, 'GET', '');
    expect(listBefore.json().data.map((t: { id: string }) => t.id)).toContain(task.id);
    expect((await req(u, 'GET', '/stats')).json().data.total).toBe(2);
    const listEtag = listBefore.headers.etag as string;

    const del = await req(u, 'DELETE', `/${task.id}`, withHeaders(u, { 'if-match': created.headers.etag as string }));
    expect(del.statusCode).toBe(204);

    expect((await req(u, 'GET', `/${task.id}`)).statusCode).toBe(404);
    expect((await req(u, 'GET', `/${task.id}/history`)).statusCode).toBe(404);
    expect((await req(u, 'PATCH', `/${task.id}`, { payload: { title: 'x' } })).statusCode).toBe(404);
    expect((await req(u, 'DELETE', `/${task.id}`)).statusCode).toBe(404);
    // The list's ETag changed: the old one no longer gets a 304.
    const listAfter = await req(u, 'GET', '', withHeaders(u, { 'if-none-match': listEtag }));
    expect(listAfter.statusCode).toBe(200);
    expect(listAfter.json().data.map((t: { id: string }) => t.id)).toEqual([keep.id]);
    const paged = (await req(u, 'GET', '?page=1')).json();
    expect(paged.meta.total).toBe(1);
    for (const q of ['zephyr', 'gone', 'zepyhr gone']) {
      const found = (await req(u, 'GET', `?q=${encodeURIComponent(q)}`)).json().data.map((t: { id: string }) => t.id);
      expect(found, q).not.toContain(task.id);
    }
    const stats = (await req(u, 'GET', '/stats')).json().data;
    expect(stats.total).toBe(1);
    expect(stats.byStatus.pending).toBe(1);
    expect(stats.dueThisWeek).toBe(0);
    const exported = (await req(u, 'GET', '/export?format=json')).json();
    expect(exported.map((t: { id: string }) => t.id)).toEqual([keep.id]);
    const bulk = await req(u, 'POST', '/bulk', {
      payload: { action: 'update', ids: [task.id], patch: { title: 'y' } },
    });
    expect(bulk.json().data.affected).toBe(0);

    const restored = await req(u, 'POST', `/${task.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json().data).toMatchObject({ id: task.id, title: 'zephyr gone', version: task.version + 1 });
    expect(restored.headers.etag).toBeTruthy();
    const back = await req(u, 'GET', `/${task.id}`);
    expect(back.statusCode).toBe(200);
    expect(back.headers.etag).toBe(restored.headers.etag);
    const types = (await req(u, 'GET', `/${task.id}/history`)).json().data.map((e: { type: string }) => e.type);
    expect(types).toEqual(['restored', 'deleted', 'created']);
    // The list's ETag changed again on restore; the task is listed and counted.
    const listBack = await req(u, 'GET', '', withHeaders(u, { 'if-none-match': listAfter.headers.etag as string }));
    expect(listBack.statusCode).toBe(200);
    expect(listBack.json().data.map((t: { id: string }) => t.id)).toContain(task.id);
    expect((await req(u, 'GET', '/stats')).json().data.total).toBe(2);
    // Restoring again: it is not deleted → 404.
    expect((await req(u, 'POST', `/${task.id}/restore`)).statusCode).toBe(404);
  });

  it('restore is the owner’s only; a live, unknown or long-deleted task → 404', async () => {
    const a = await createUser(ctx.platform);
    const b = await createUser(ctx.platform);
    const t = await seedTask(ctx.database.db, a.id);
    expect((await req(a, 'POST', `/${t.id}/restore`)).statusCode).toBe(404);
    expect((await req(a, 'POST', `/${randomUUID()}/restore`)).statusCode).toBe(404);
    expect((await req(a, 'POST', '/not-a-uuid/restore')).statusCode).toBe(400);
    expect((await req(a, 'DELETE', `/${t.id}`)).statusCode).toBe(204);
    expect((await req(b, 'POST', `/${t.id}/restore`)).statusCode).toBe(404);
    expect((await req(b, 'DELETE', `/${t.id}`)).statusCode).toBe(404);
    await deletedDaysAgo(t.id, 31);
    expect((await req(a, 'POST', `/${t.id}/restore`)).statusCode).toBe(404);
    await deletedDaysAgo(t.id, 29);
    expect((await req(a, 'POST', `/${t.id}/restore`)).statusCode).toBe(200);
  });

  it('If-Match on delete still guards it: a stale tag → 412 and the task stays', async () => {
    const u = await createUser(ctx.platform);
    const created = (await req(u, 'POST', '', { payload: { title: 'guarded' } })).json().data;
    await req(u, 'PATCH', `/${created.id}`, { payload: { title: 'guarded 2' } });
    const stale = await req(u, 'DELETE', `/${created.id}`, withHeaders(u, { 'if-match': '"stale"' }));
    expect(stale.statusCode).toBe(412);
    expect((await req(u, 'GET', `/${created.id}`)).statusCode).toBe(200);
  });

  it('events: the delete publishes task.deleted, the restore task.updated with the restored task', async () => {
    const u = await createUser(ctx.platform);
    const seen: string[] = [];
    const offs = [
      ctx.platform.events.on('task.deleted', (e) => e.userId === u.id && seen.push(`deleted:${e.id}`)),
      ctx.platform.events.on(
        'task.updated',
        (e) => e.userId === u.id && seen.push(`updated:${e.task.id}:v${e.task.version}`),
      ),
    ];
    try {
      const t = (await req(u, 'POST', '', { payload: { title: 'evented' } })).json().data;
      await req(u, 'DELETE', `/${t.id}`);
      await settle();
      await req(u, 'POST', `/${t.id}/restore`);
      await settle();
      expect(seen).toEqual([`deleted:${t.id}`, `updated:${t.id}:v2`]);
    } finally {
      for (const off of offs) off();
    }
  });

  it('bulk delete is a soft delete: each task restores; bulk delete of deleted tasks affects none', async () => {
    const u = await createUser(ctx.platform);
    const ts = [await seedTask(ctx.database.db, u.id), await seedTask(ctx.database.db, u.id)];
    const ids = ts.map((t) => t.id);
    const del = await req(u, 'POST', '/bulk', { payload: { action: 'delete', ids } });
    expect(del.json().data.affected).toBe(2);
    expect((await req(u, 'GET', '')).json().data).toEqual([]);
    expect((await req(u, 'POST', '/bulk', { payload: { action: 'delete', ids } })).json().data.affected).toBe(0);
    const [deletedAt] = await rows(
      sql`select count(distinct deleted_at)::int as n from tasks where id in (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
    expect(deletedAt?.n).toBe(1); // one instant for the whole bulk delete (how a restore finds its children)
    for (const id of ids) expect((await req(u, 'POST', `/${id}/restore`)).statusCode).toBe(200);
    expect(
      (await req(u, 'GET', ''))
        .json()
        .data.map((t: { id: string }) => t.id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it('reminders and the admin counts ignore deleted tasks', async () => {
    const u = await createUser(ctx.platform);
    const t = await seedTask(ctx.database.db, u.id, { title: 'remind me', dueDate: new Date(Date.now() - 60_000) });
    const due = () => findDue(ctx.database.db, { now: new Date(), leaseSeconds: 60, limit: 10_000 });
    expect((await due()).map((c) => c.task_id)).toContain(t.id);
    const before = await taskCountsByStatus(ctx.database.db);
    expect((await req(u, 'DELETE', `/${t.id}`)).statusCode).toBe(204);
    expect((await due()).map((c) => c.task_id)).not.toContain(t.id);
    expect((await taskCountsByStatus(ctx.database.db)).pending).toBe((before.pending ?? 0) - 1);
  });

  it('planted fault: the list query without its deleted_at predicate shows the deleted task', async () => {
    const u = await createUser(ctx.platform);
    const t = await seedTask(ctx.database.db, u.id);
    await req(u, 'DELETE', `/${t.id}`);
    // The caller's projects, as the policy scopes every task query (the task went to the inbox).
    const found = await ctx.database.db.execute(sql`select project_id as id from tasks where id = ${t.id}`);
    const projectId = (found as unknown as { rows: Array<{ id: string }> }).rows[0]?.id;
    const q = listQuery(ctx.database.db, {
      userId: u.id,
      filters: { projectIds: [projectId as string] },
      sort: { field: 'createdAt', desc: true },
      limit: 10,
    }).toSQL();
    const predicate = '"tasks"."deleted_at" is null';
    expect(q.sql).toContain(predicate);
    const run = async (text: string) => {
      const res = await ctx.database.db.execute(sql.raw(inline(text, q.params)));
      return (res as unknown as { rows: unknown[] }).rows.length;
    };
    expect(await run(q.sql)).toBe(0);
    expect(await run(q.sql.replace(predicate, 'true'))).toBe(1); // the check above would have failed
  });

  it('purge: tasks deleted more than 30 days ago go, in batches; younger ones stay restorable', async () => {
    const u = await createUser(ctx.platform);
    const old = await Promise.all(Array.from({ length: 5 }, () => seedTask(ctx.database.db, u.id)));
    const young = await seedTask(ctx.database.db, u.id);
    const live = await seedTask(ctx.database.db, u.id);
    await req(u, 'POST', '/bulk', { payload: { action: 'delete', ids: [...old.map((t) => t.id), young.id] } });
    for (const t of old) await deletedDaysAgo(t.id, 31);
    await deletedDaysAgo(young.id, 29);
    const count = async () =>
      (await rows(sql`select count(*)::int as n from tasks where user_id = ${u.id}::uuid`))[0]?.n as number;
    expect(await count()).toBe(7);
    // Batches of 2, one batch per run at most: a run removes 2.
    expect(await purgeDeleted(ctx.database.db, { batch: 2, maxBatches: 1 })).toBe(2);
    expect(await count()).toBe(5);
    // The scheduled job (as the queue runs it) removes the rest of the old ones; the young one stays.
    const handler = ctx.modules.tasks.jobs[PURGE_JOB];
    expect(handler).toBeTypeOf('function');
    await handler?.(undefined, { attempt: 1, jobId: 'test' });
    expect(await count()).toBe(2);
    // An injected clock 2 days ahead: the young one is now 31 days old.
    const later = () => new Date(Date.now() + 2 * DAY);
    expect(await purgeDeleted(ctx.database.db, { now: later })).toBe(1);
    expect(await count()).toBe(1);
    expect((await req(u, 'GET', `/${live.id}`)).statusCode).toBe(200);
    expect((await req(u, 'POST', `/${young.id}/restore`)).statusCode).toBe(404);
    // Scheduled in the app and in the worker process alike.
    expect(ctx.modules.tasks.schedule.map((s) => s.name)).toEqual([PURGE_JOB]);
    const worker = composeJobs({
      ...ctx.platform,
      database: ctx.database,
      mailTransport: ctx.platform.mailer,
    } as never);
    expect(worker.schedule.map((s) => s.name)).toContain(PURGE_JOB);
    expect(Object.keys(worker.handlers)).toContain(PURGE_JOB);
  });
});

/** A statement with its $n parameters written in as literals (the planted-fault test runs it as text). */
function inline(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    return typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`;
  });
}
