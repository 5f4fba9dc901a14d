/**
 * Per-task reminders (issue 17 item 2) over HTTP and the due-reminders job, on PGlite and PostgreSQL: the contract
 * (normalised, 400s in the error format), the schedule the trigger keeps in the writing transaction (create, due
 * date moved, completed, deleted, restored, the next occurrence of a recurring task), firing once, and two
 * concurrent runs mailing each reminder once. Planted faults: the schedule trigger disabled (the due-date move is
 * missed) and a zero lease (the claim no longer excludes a concurrent run: a reminder mailed twice).
 */
import type { Task } from '@primetrade/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Mailer } from '../../infra/mail/mailer';
import { MemoryMailer } from '../../infra/mail/mailer';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext, importTasks, postTask, TASKS_URL } from '../../test/tasks-http';
import { type PushSender, type ReminderPushPayload, TaskReminderService } from './task-reminders.service';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const MIN = 60_000;

describe.each(drivers())('per-task reminders on %s', (driver) => {
  let ctx: TestContext;
  let mailer: MemoryMailer;
  let pushed: Array<{ userId: string; payload: ReminderPushPayload }>;
  beforeAll(async () => {
    ctx = await createTasksContext(driver);
  });
  afterAll(async () => ctx?.close());
  beforeEach(async () => {
    mailer = new MemoryMailer();
    pushed = [];
    // Each test fires its own reminders only.
    await ctx.database.db.execute(sql`delete from task_reminder_schedule`);
  });

  const push: PushSender = {
    sendToUser: async (userId, payload) => {
      pushed.push({ userId, payload });
    },
  };
  /** The job as the worker runs it, with its clock at `at`. */
  const service = (at: Date, o: { mailer?: Mailer; leaseSeconds?: number } = {}) =>
    new TaskReminderService(ctx.database.db, o.mailer ?? mailer, push, {
      appUrl: 'http://app.test',
      leaseSeconds: o.leaseSeconds ?? 300,
      now: () => at,
    });
  const create = async (u: TestUser, body: Record<string, unknown>): Promise<Task> => {
    const res = await postTask(ctx, u, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data;
  };
  const req = (u: TestUser, method: 'PATCH' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: object) =>
    ctx.app.inject({ method, url, headers: u.headers, ...(payload ? { payload } : {}) });
  const schedule = async (taskId: string) =>
    (
      (await ctx.database.db.execute(
        sql`select fire_at, sent_at from task_reminder_schedule where task_id = ${taskId} order by fire_at`,
      )) as unknown as { rows: Array<{ fire_at: Date | string; sent_at: unknown }> }
    ).rows.map((r) => ({ fireAt: new Date(r.fire_at).toISOString(), sent: r.sent_at !== null }));
  const subjects = () => mailer.messages.map((m) => m.subject);
  const inMinutes = (n: number, from = Date.now()) => new Date(from + n * MIN);

  it('stores reminders normalised and answers 400 in the contract format for bad ones', async () => {
    const u = await createUser(ctx.platform);
    const due = inMinutes(24 * 60);
    const t = await create(u, {
      title: 'normalised',
      dueDate: due.toISOString(),
      reminders: [{ before: 'pt90m' }, { at: '2030-01-01T10:00:00+02:00' }, { before: 'PT1H30M' }, { before: 'P1W' }],
    });
    expect(t.reminders).toEqual([{ before: 'PT1H30M' }, { at: '2030-01-01T08:00:00.000Z' }, { before: 'P7D' }]);
    expect(await schedule(t.id)).toEqual(
      [
        { fireAt: new Date(due.getTime() - 7 * 24 * 60 * MIN).toISOString(), sent: false },
        { fireAt: new Date(due.getTime() - 90 * MIN).toISOString(), sent: false },
        { fireAt: '2030-01-01T08:00:00.000Z', sent: false },
      ].filter((r) => new Date(r.fireAt).getTime() >= Date.now() - 60 * MIN),
    );
    const bad = async (body: Record<string, unknown>, path: string, message: RegExp) => {
      const res = await postTask(ctx, u, { title: 'bad', ...body });
      expect(res.statusCode, res.body).toBe(400);
      const answer = res.json();
      expect(answer).toMatchObject({ success: false, status: 400, code: 'VALIDATION_FAILED' });
      const details = answer.errors as Array<{ path: string; message: string }>;
      expect(
        details.some((d) => d.path.startsWith(path) && message.test(d.message)),
        res.body,
      ).toBe(true);
    };
    await bad({ reminders: [{ before: 'PT15M' }] }, 'reminders', /needs a dueDate/);
    await bad({ dueDate: due.toISOString(), reminders: [{ before: 'PT5M' }] }, 'reminders', /15 minutes/);
    await bad({ dueDate: due.toISOString(), reminders: [{ before: 'P8D' }] }, 'reminders', /7 days/);
    await bad({ dueDate: due.toISOString(), reminders: [{ before: 'P1M' }] }, 'reminders', /ISO 8601/);
    await bad({ reminders: [{ at: 'tomorrow' }] }, 'reminders', /./);
    await bad({ reminders: [{ at: '2030-01-01T10:00:00Z', before: 'PT15M' }] }, 'reminders', /./);
    const six = Array.from({ length: 6 }, (_, i) => ({ at: inMinutes(60 + i).toISOString() }));
    await bad({ reminders: six }, 'reminders', /At most 5/);
    // Clearing the due date of a task with a `before` reminder: 400 too (PATCH).
    const res = await req(u, 'PATCH', `${TASKS_URL}/${t.id}`, { dueDate: null });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: 'reminders' });
  });

  it('fires once per reminder (mail and push to the assignee-less creator), never again', async () => {
    const u = await createUser(ctx.platform);
    const t = await create(u, { title: 'pay rent', reminders: [{ at: inMinutes(10).toISOString() }] });
    expect((await service(inMinutes(9)).fireDue()).mailed).toBe(0);
    const r = await service(inMinutes(11)).fireDue();
    expect(r).toMatchObject({ claimed: 1, mailed: 1, failed: 0 });
    expect(subjects()).toEqual(['Reminder: pay rent']);
    expect(mailer.messages[0]?.to).toBe(u.email);
    expect(pushed).toEqual([{ userId: u.id, payload: expect.objectContaining({ title: 'pay rent' }) }]);
    await service(inMinutes(12)).fireDue();
    await service(inMinutes(60 * 24)).fireDue();
    expect(subjects()).toEqual(['Reminder: pay rent']);
    expect(await schedule(t.id)).toEqual([
      { fireAt: t.reminders[0] && 'at' in t.reminders[0] ? t.reminders[0].at : '', sent: true },
    ]);
    // Saving the task again (same reminders, or a title change) does not fire it again.
    await req(u, 'PATCH', `${TASKS_URL}/${t.id}`, { title: 'pay rent!', reminders: t.reminders });
    await service(inMinutes(13)).fireDue();
    expect(subjects()).toHaveLength(1);
  });

  it('a hard-deleted task (the 30-day purge) takes its reminder rows with it, sent ones included', async () => {
    const u = await createUser(ctx.platform);
    const t = await create(u, { title: 'purged', reminders: [{ at: inMinutes(5).toISOString() }] });
    const kept = await create(u, { title: 'kept', reminders: [{ at: inMinutes(5).toISOString() }] });
    await service(inMinutes(6)).fireDue();
    expect(await schedule(t.id)).toMatchObject([{ sent: true }]);
    // The purge's statement is a plain DELETE of the row (tasks.repo purgeDeletedTasks): the trigger of
    // migration 0026 removes the schedule rows; without it the sent row stayed behind for ever.
    await ctx.database.db.execute(sql`delete from tasks where id = ${t.id}`);
    expect(await schedule(t.id)).toEqual([]);
    expect(await schedule(kept.id)).toMatchObject([{ sent: true }]);
  });

  it('never fires for a completed, cancelled or deleted task; a restored one gets its reminders back', async () => {
    const u = await createUser(ctx.platform);
    const at = inMinutes(30).toISOString();
    const done = await create(u, { title: 'done', reminders: [{ at }] });
    const dropped = await create(u, { title: 'dropped', reminders: [{ at }] });
    const gone = await create(u, { title: 'gone', reminders: [{ at }] });
    expect((await req(u, 'PATCH', `${TASKS_URL}/${done.id}`, { status: 'completed' })).statusCode).toBe(200);
    expect((await req(u, 'PATCH', `${TASKS_URL}/${dropped.id}`, { status: 'cancelled' })).statusCode).toBe(200);
    expect((await req(u, 'DELETE', `${TASKS_URL}/${gone.id}`)).statusCode).toBe(204);
    expect(await schedule(done.id)).toEqual([]);
    expect(await schedule(gone.id)).toEqual([]);
    await service(inMinutes(31)).fireDue();
    expect(subjects()).toEqual([]);
    // Restored (undo): scheduled again, and it fires.
    expect((await req(u, 'POST', `${TASKS_URL}/${gone.id}/restore`)).statusCode).toBe(200);
    await service(inMinutes(31)).fireDue();
    expect(subjects()).toEqual(['Reminder: gone']);
  });

  it('a task completed after the claim is not mailed (the claim reads the task)', async () => {
    const u = await createUser(ctx.platform);
    const t = await create(u, { title: 'raced', reminders: [{ at: inMinutes(5).toISOString() }] });
    // Completed by a statement the trigger does not see (a row changed under it): the claim still skips it.
    await ctx.database.db.execute(sql`alter table tasks disable trigger tasks_reminder_schedule_update`);
    try {
      await ctx.database.db.execute(sql`update tasks set status = 'completed' where id = ${t.id}`);
    } finally {
      await ctx.database.db.execute(sql`alter table tasks enable trigger tasks_reminder_schedule_update`);
    }
    expect(await schedule(t.id)).toHaveLength(1);
    await service(inMinutes(6)).fireDue();
    expect(subjects()).toEqual([]);
  });

  /** Due in 2 h with a 30-minute reminder; the due date moved one hour later: what fires at 1:31 and at 2:31. */
  async function moveDueDate(u: TestUser) {
    const due = inMinutes(120);
    const t = await create(u, { title: 'moved', dueDate: due.toISOString(), reminders: [{ before: 'PT30M' }] });
    const moved = new Date(due.getTime() + 60 * MIN);
    expect((await req(u, 'PATCH', `${TASKS_URL}/${t.id}`, { dueDate: moved.toISOString() })).statusCode).toBe(200);
    await service(inMinutes(91)).fireDue();
    const atOldTime = subjects().length;
    await service(inMinutes(151)).fireDue();
    return { atOldTime, total: subjects().length, rows: await schedule(t.id), moved };
  }

  it('is rescheduled when the due date changes (and the planted fault — no schedule trigger — fires at the old time)', async () => {
    const u = await createUser(ctx.platform);
    const ok = await moveDueDate(u);
    expect(ok).toMatchObject({ atOldTime: 0, total: 1 });
    expect(ok.rows).toEqual([{ fireAt: new Date(ok.moved.getTime() - 30 * MIN).toISOString(), sent: true }]);
    // Planted fault: the update trigger off, the schedule keeps the old fire time → mailed an hour early.
    mailer.clear();
    await ctx.database.db.execute(sql`alter table tasks disable trigger tasks_reminder_schedule_update`);
    try {
      const broken = await moveDueDate(u);
      expect(broken.atOldTime).toBe(1);
    } finally {
      await ctx.database.db.execute(sql`alter table tasks enable trigger tasks_reminder_schedule_update`);
    }
  });

  it('the next occurrence of a recurring task carries its reminders: `before` recomputed, `at` moved with the due date', async () => {
    const u = await createUser(ctx.platform);
    const due = inMinutes(60 * 24);
    const at = inMinutes(60 * 20);
    const t = await create(u, {
      title: 'weekly',
      dueDate: due.toISOString(),
      recurrence: { rule: 'FREQ=DAILY', mode: 'due' },
      reminders: [{ before: 'PT1H' }, { at: at.toISOString() }],
    });
    expect((await req(u, 'PATCH', `${TASKS_URL}/${t.id}`, { status: 'completed' })).statusCode).toBe(200);
    expect(await schedule(t.id)).toEqual([]);
    const list = (await ctx.app.inject({ method: 'GET', url: `${TASKS_URL}?limit=100`, headers: u.headers })).json()
      .data as Task[];
    const next = list.find((x) => x.title === 'weekly' && x.status === 'pending');
    expect(next?.dueDate).toBe(new Date(due.getTime() + 24 * 60 * MIN).toISOString());
    const nextAt = new Date(at.getTime() + 24 * 60 * MIN).toISOString();
    expect(next?.reminders).toEqual([{ before: 'PT1H' }, { at: nextAt }]);
    expect(await schedule(next?.id ?? '')).toEqual([
      { fireAt: nextAt, sent: false },
      { fireAt: new Date(due.getTime() + 23 * 60 * MIN).toISOString(), sent: false },
    ]);
    await service(inMinutes(60 * 48)).fireDue();
    expect(subjects()).toEqual(['Reminder: weekly', 'Reminder: weekly']);
  });

  /** Three runs at once over 12 due reminders, with a mailer slow enough for them to overlap. */
  async function concurrentRuns(u: TestUser, leaseSeconds: number) {
    for (let i = 0; i < 12; i++) await create(u, { title: `c${i}`, reminders: [{ at: inMinutes(1).toISOString() }] });
    const slow: Mailer = {
      kind: 'slow',
      send: async (m) => {
        await new Promise((r) => setTimeout(r, 20));
        await mailer.send(m);
      },
    };
    const at = inMinutes(2);
    // Started 40 ms apart: the later runs find the rows claimed (and not yet sent) by the first.
    await Promise.all(
      [0, 1, 2].map(async (i) => {
        await new Promise((r) => setTimeout(r, i * 40));
        await service(at, { mailer: slow, leaseSeconds }).fireDue();
      }),
    );
    const counts = new Map<string, number>();
    for (const s of subjects()) counts.set(s, (counts.get(s) ?? 0) + 1);
    return counts;
  }

  it('concurrent runs (three workers) mail each reminder once; a zero lease (planted fault) mails some twice', async () => {
    const u = await createUser(ctx.platform);
    const counts = await concurrentRuns(u, 300);
    expect(counts.size).toBe(12);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // Planted fault: a lease of 0 s makes a claimed row claimable again at once — the claim condition no longer
    // excludes the other runs. Sequential runs on one PGlite connection still overlap (each awaits the mailer).
    mailer.clear();
    await ctx.database.db.execute(sql`delete from task_reminder_schedule`);
    const u2 = await createUser(ctx.platform);
    const broken = await concurrentRuns(u2, 0);
    expect([...broken.values()].some((n) => n > 1)).toBe(true);
  });

  it('a failed mail is released and sent by the next run, once', async () => {
    const u = await createUser(ctx.platform);
    await create(u, { title: 'flaky', reminders: [{ at: inMinutes(1).toISOString() }] });
    let fail = true;
    const flaky: Mailer = {
      kind: 'flaky',
      send: async (m) => {
        if (fail) {
          fail = false;
          throw new Error('SMTP 451');
        }
        await mailer.send(m);
      },
    };
    await expect(service(inMinutes(2), { mailer: flaky }).fireDue()).rejects.toThrow(/failed/);
    await service(inMinutes(2), { mailer: flaky }).fireDue();
    await service(inMinutes(3), { mailer: flaky }).fireDue();
    expect(subjects()).toEqual(['Reminder: flaky']);
  });

  it('PUT, bulk and import keep the schedule too (PUT without reminders: none; bulk clearing a due date: 400)', async () => {
    const u = await createUser(ctx.platform);
    const due = inMinutes(24 * 60).toISOString();
    const t = await create(u, { title: 'put', dueDate: due, reminders: [{ before: 'PT1H' }] });
    expect(await schedule(t.id)).toHaveLength(1);
    const put = await req(u, 'PUT', `${TASKS_URL}/${t.id}`, { title: 'put', dueDate: due });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().data.reminders).toEqual([]);
    expect(await schedule(t.id)).toEqual([]);
    // Bulk: a due date cleared under a `before` reminder is refused for the whole request; a completion unschedules.
    const b = await create(u, { title: 'bulk', dueDate: due, reminders: [{ before: 'PT1H' }] });
    const clear = await req(u, 'POST', `${TASKS_URL}/bulk`, {
      action: 'update',
      ids: [b.id],
      patch: { dueDate: null },
    });
    expect(clear.statusCode).toBe(400);
    expect(clear.json().errors[0]).toMatchObject({ path: 'reminders' });
    const done = await req(u, 'POST', `${TASKS_URL}/bulk`, {
      action: 'update',
      ids: [b.id],
      patch: { status: 'completed' },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(await schedule(b.id)).toEqual([]);
    // Import: a row's reminders are scheduled; a `before` one without a due date is a failed row.
    const imported = await importTasks(ctx, u, [
      { title: 'imported', dueDate: due, reminders: [{ before: 'PT2H' }] },
      { title: 'undated', reminders: [{ before: 'PT2H' }] },
    ]);
    expect(imported.json().data).toMatchObject({ imported: 1, failed: [{ row: 2, errors: [{ path: 'reminders' }] }] });
    const list = (await ctx.app.inject({ method: 'GET', url: `${TASKS_URL}?limit=100`, headers: u.headers })).json()
      .data as Task[];
    const row = list.find((x) => x.title === 'imported');
    expect(row?.reminders).toEqual([{ before: 'PT2H' }]);
    expect(await schedule(row?.id ?? '')).toEqual([
      { fireAt: new Date(new Date(due).getTime() - 120 * MIN).toISOString(), sent: false },
    ]);
  });
});
