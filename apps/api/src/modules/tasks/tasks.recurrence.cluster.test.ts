/**
 * Recurring tasks across two instances (issue 17 item 1): the same occurrence completed on instance A and instance B
 * at the same moment — PATCH on both, PATCH on one and bulk on the other, and after a reopen — gets exactly one
 * next occurrence, over ROUNDS rounds (a race shows only in some). The planted fault drops the unique
 * (series_id, occurrence) key of this run's database: the same reopen-and-complete-on-both round then leaves a
 * second next occurrence.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../test/factories';
import { clusterServices, type Instance, startTwoInstances, type TwoInstances } from '../../test/two-instances';

const ROUNDS = 8;

const patch = (i: Instance, u: TestUser, id: string, payload: object) =>
  i.app.inject({ method: 'PATCH', url: `/api/v1/tasks/${id}`, headers: u.headers, payload });
const bulkComplete = (i: Instance, u: TestUser, id: string) =>
  i.app.inject({
    method: 'POST',
    url: '/api/v1/tasks/bulk',
    headers: u.headers,
    payload: { action: 'update', ids: [id], patch: { status: 'completed' } },
  });

describe.runIf(clusterServices)('a recurring occurrence completed on two instances at once', () => {
  let c: TwoInstances;
  beforeAll(async () => {
    c = await startTwoInstances();
  });
  afterAll(async () => {
    await c?.close();
  });

  it('exactly one next occurrence per round (PATCH on both; PATCH and bulk; reopen, then both again)', async () => {
    const u = await createUser(c.a.platform, { timezone: 'Europe/Berlin' });
    const counts: number[] = [];
    for (let n = 0; n < ROUNDS; n++) {
      const title = `round ${n}`;
      const made = await c.a.app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: u.headers,
        payload: { title, dueDate: '2027-03-22T08:00:00.000Z', recurrence: { rule: 'FREQ=WEEKLY', mode: 'due' } },
      });
      expect(made.statusCode).toBe(201);
      const id = made.json().data.id as string;
      const second = n % 2 === 0 ? patch(c.b, u, id, { status: 'completed' }) : bulkComplete(c.b, u, id);
      const answers = await Promise.all([patch(c.a, u, id, { status: 'completed' }), second]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
      // Reopened on A, completed on both again: the next occurrence exists already.
      expect((await patch(c.a, u, id, { status: 'pending' })).statusCode).toBe(200);
      await Promise.all([patch(c.a, u, id, { status: 'completed' }), patch(c.b, u, id, { status: 'completed' })]);
      const list = await c.b.app.inject({ method: 'GET', url: '/api/v1/tasks?limit=100', headers: u.headers });
      const series = (list.json().data as Array<{ title: string; status: string; dueDate: string }>).filter(
        (t) => t.title === title,
      );
      counts.push(series.length);
      expect(series.map((t) => t.status).sort()).toEqual(['completed', 'pending']);
      expect(series.find((t) => t.status === 'pending')?.dueDate).toBe('2027-03-29T07:00:00.000Z');
    }
    console.info(`tasks per series after the races on two instances: ${counts.join(', ')}`);
  });

  it('planted fault: without tasks_series_key the reopen-and-complete round on both instances leaves two next ones', async () => {
    const u = await createUser(c.a.platform, { timezone: 'Europe/Berlin' });
    const made = await c.a.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: u.headers,
      payload: {
        title: 'planted',
        dueDate: '2027-03-22T08:00:00.000Z',
        recurrence: { rule: 'FREQ=WEEKLY', mode: 'due' },
      },
    });
    const id = made.json().data.id as string;
    await Promise.all([patch(c.a, u, id, { status: 'completed' }), patch(c.b, u, id, { status: 'completed' })]);
    const db = c.a.platform.database.db;
    await db.execute(sql`drop index tasks_series_key`);
    try {
      await patch(c.a, u, id, { status: 'pending' });
      await Promise.all([patch(c.a, u, id, { status: 'completed' }), patch(c.b, u, id, { status: 'completed' })]);
      const list = await c.b.app.inject({ method: 'GET', url: '/api/v1/tasks?limit=100', headers: u.headers });
      const series = (list.json().data as Array<{ id: string; title: string; status: string }>).filter(
        (t) => t.title === 'planted',
      );
      expect(series.filter((t) => t.status === 'pending')).toHaveLength(2);
      await db.execute(sql`delete from tasks where id = ${series.find((t) => t.status === 'pending')?.id}::uuid`);
    } finally {
      await db.execute(
        sql`create unique index tasks_series_key on tasks (series_id, occurrence) where series_id is not null`,
      );
    }
  });
});
