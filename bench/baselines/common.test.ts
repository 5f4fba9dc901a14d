/**
 * The P1 baselines must do the API's work (bench/baselines/common.mjs): the task's fields in the mapper's order,
 * the same times as text, and bench/run.mjs refusing to measure when a baseline answers less than the API. Before
 * this check the baselines still served the first round's 11 fields (7,131 bytes against the API's 10,571) with a
 * user_id range no index led with any more — a different floor, which the run only printed.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { describe, expect, it } from 'vitest';
import { listQuery } from '../../apps/api/src/modules/tasks/tasks.list.repo';
import { FIELD_NAMES, isTimeField } from '../../apps/api/src/modules/tasks/tasks.mapper';
import { envelope, FIELDS, LIMIT, LIST_SQL, notSameAnswer } from './common.mjs';

describe('P1 baselines', () => {
  it("select the API's task fields, in the mapper's order, times as ISO text", () => {
    expect(FIELDS.map(([f]) => f)).toEqual(FIELD_NAMES);
    expect(FIELDS.filter(([, , kind]) => kind === 'time').map(([f]) => f)).toEqual(FIELD_NAMES.filter(isTimeField));
    expect(LIST_SQL).toContain('"tasks"."project_id" = (select $1::uuid) and "tasks"."deleted_at" is null');
  });

  it("run the API's own statement for the default page, the row limit written in as the API writes it", () => {
    const db = drizzle.mock({ casing: 'snake_case' }) as unknown as Parameters<typeof listQuery>[0];
    const api = listQuery(db, {
      userId: '00000000-0000-4000-8000-000000000001',
      filters: { projectIds: ['00000000-0000-4000-8000-000000000002'] },
      sort: { field: 'createdAt', desc: true },
      limit: LIMIT + 1,
    }).toSQL();
    // A limit the API sends as a parameter (a prepared statement planned on every execution) fails this.
    expect(LIST_SQL).toBe(api.sql);
  });

  it("answer the API's envelope: one object per row, keyed in field order, with a next cursor", () => {
    const row = (i: number) => [...FIELDS.map(([f]) => `${f}-${i}`), `key-${i}`];
    const body = envelope(
      'user-1',
      Array.from({ length: LIMIT + 1 }, (_, i) => row(i)),
    );
    expect(body.data).toHaveLength(LIMIT);
    expect(Object.keys(body.data[0] as object)).toEqual(FIELD_NAMES);
    expect(body.meta).toMatchObject({ limit: LIMIT, hasMore: true, nextCursor: expect.stringContaining('.') });
  });

  it('a baseline answering fewer fields or other bytes is refused', () => {
    const task = { id: 'a', title: 't', projectId: 'p' };
    const api = JSON.stringify({ success: true, data: [task], meta: { nextCursor: 'x.AAAA' } });
    const same = JSON.stringify({ success: true, data: [task], meta: { nextCursor: 'x.BBBB' } });
    const fewer = JSON.stringify({ success: true, data: [{ id: 'a', title: 't' }], meta: { nextCursor: 'x.BBBB' } });
    const longer = JSON.stringify({ success: true, data: [task], meta: { nextCursor: 'x.BBBBB' } });
    expect(notSameAnswer({ api, fastify: same, stack: same })).toEqual([]);
    expect(notSameAnswer({ api, fastify: fewer, stack: same })).toEqual([
      `fastify: ${fewer.length} bytes against the API's ${api.length}`,
    ]);
    expect(notSameAnswer({ api, express: longer })).toHaveLength(1);
  });
});
