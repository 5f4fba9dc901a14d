/**
 * Issue 15 items 4 and 5 on every driver: board positions from before/after (and rebalancing), subtasks one level
 * deep with their counts, assignees limited to members, and history entries with their actor.
 */
import { sql } from 'drizzle-orm';
import { generateKeyBetween } from 'fractional-indexing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { seedTask } from './index';
import { REBALANCE_AT, randomTail } from './tasks.board';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const API = '/api/v1';

describe("a new task's key tail", () => {
  it('sorts between the end key and the next one, and is a valid key (never ending in 0)', () => {
    const end = generateKeyBetween('a5', null);
    const next = generateKeyBetween(end, null);
    for (let i = 0; i < 200; i++) {
      const key = end + randomTail();
      expect(key > end && key < next).toBe(true);
      expect(() => generateKeyBetween(key, null)).not.toThrow();
    }
    // The edge: the smallest digits the generator can draw still end in '1', which fractional-indexing accepts.
    expect(randomTail(() => 0)).toBe('0001');
    expect(() => generateKeyBetween(`${end}0001`, null)).not.toThrow();
    // Planted fault: a tail ending in '0' is what the rule exists for — fractional-indexing rejects it.
    expect(() => generateKeyBetween(`${end}0000`, null)).toThrow();
  });
});

describe.each(drivers())('board, subtasks, assignees, history actors on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
  });
  afterAll(async () => ctx?.close());

  const req = (user: TestUser, method: string, url: string, payload?: unknown) =>
    ctx.app.inject({
      method: method as 'GET',
      url: `${API}${url}`,
      headers: user.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const rows = async (q: ReturnType<typeof sql>) =>
    ((await ctx.database.db.execute(q)) as unknown as { rows: Array<Record<string, unknown>> }).rows;

  /** A project of a new owner with an editor and a viewer (members added as an accepted invitation would). */
  async function team() {
    const owner = await createUser(ctx.platform);
    const editor = await createUser(ctx.platform);
    const viewer = await createUser(ctx.platform);
    const res = await req(owner, 'POST', '/projects', { name: 'Board' });
    expect(res.statusCode, res.body).toBe(201);
    const projectId = res.json().data.id as string;
    const projects = ctx.modules.projects.service;
    await ctx.database.db.transaction(async (tx) => {
      await projects.addMember(tx, projectId, editor.id, 'editor');
      await projects.addMember(tx, projectId, viewer.id, 'viewer');
    });
    return { owner, editor, viewer, projectId };
  }
  const create = async (u: TestUser, body: Record<string, unknown>) => {
    const res = await req(u, 'POST', '/tasks', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as { id: string; position: string; subtaskCount: number; version: number };
  };
  const column = async (u: TestUser, projectId: string, status = 'pending') => {
    const res = await req(u, 'GET', `/tasks?projectId=${projectId}&status=${status}&sort=position&limit=100`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as Array<{ id: string; title: string; position: string | null }>;
  };
  const titles = async (u: TestUser, projectId: string, status = 'pending') =>
    (await column(u, projectId, status)).map((t) => t.title);

  it('new tasks go to the end of their column; before/after reorder; a status change lands at the end', async () => {
    const { owner, editor, viewer, projectId } = await team();
    const [a, b, c] = [
      await create(owner, { title: 'a', projectId }),
      await create(owner, { title: 'b', projectId }),
      await create(owner, { title: 'c', projectId }),
    ];
    expect(a?.position < b?.position && b?.position < c?.position).toBe(true);
    expect(await titles(viewer, projectId)).toEqual(['a', 'b', 'c']);

    // c before a → c a b; b after c → c b a.
    let res = await req(editor, 'PATCH', `/tasks/${c?.id}`, { before: a?.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.version).toBe((c?.version ?? 0) + 1);
    expect(await titles(owner, projectId)).toEqual(['c', 'a', 'b']);
    res = await req(editor, 'PATCH', `/tasks/${b?.id}`, { after: c?.id });
    expect(await titles(owner, projectId)).toEqual(['c', 'b', 'a']);
    // Both neighbours, adjacent: a between c and b → c a b.
    res = await req(editor, 'PATCH', `/tasks/${a?.id}`, { after: c?.id, before: b?.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(await titles(owner, projectId)).toEqual(['c', 'a', 'b']);
    // Neighbours that are not next to each other (c … b with a between): 409, nothing moves.
    res = await req(editor, 'PATCH', `/tasks/${a?.id}`, { after: b?.id, before: c?.id });
    expect(res.statusCode).toBe(409);
    expect(await titles(owner, projectId)).toEqual(['c', 'a', 'b']);

    // A status change without neighbours: the end of the new column; with one: next to it.
    const d = await create(owner, { title: 'd', projectId, status: 'in_progress' });
    res = await req(editor, 'PATCH', `/tasks/${b?.id}`, { status: 'in_progress' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await titles(owner, projectId, 'in_progress')).toEqual(['d', 'b']);
    res = await req(editor, 'PATCH', `/tasks/${c?.id}`, { status: 'in_progress', before: d.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(await titles(owner, projectId, 'in_progress')).toEqual(['c', 'd', 'b']);
    expect(await titles(owner, projectId)).toEqual(['a']);

    // A neighbour in another column → 409 (the client's board is stale); in another project, itself, unknown → 400.
    expect((await req(editor, 'PATCH', `/tasks/${a?.id}`, { before: d.id })).statusCode).toBe(409);
    const other = await create(owner, { title: 'elsewhere' });
    expect((await req(editor, 'PATCH', `/tasks/${a?.id}`, { before: other.id })).statusCode).toBe(400);
    expect((await req(editor, 'PATCH', `/tasks/${a?.id}`, { before: a?.id })).statusCode).toBe(400);
    expect((await req(editor, 'PATCH', `/tasks/${a?.id}`, { after: crypto.randomUUID() })).statusCode).toBe(400);
    // A viewer may not move; a position taken → 409; a malformed key → 400.
    expect((await req(viewer, 'PATCH', `/tasks/${d.id}`, { before: c?.id })).statusCode).toBe(403);
    const cPos = (await column(owner, projectId, 'in_progress'))[0]?.position;
    expect((await req(editor, 'PATCH', `/tasks/${b?.id}`, { position: cPos })).statusCode).toBe(409);
    expect((await req(editor, 'PATCH', `/tasks/${b?.id}`, { position: 'a0!' })).statusCode).toBe(400);
    expect((await req(editor, 'PATCH', `/tasks/${b?.id}`, { position: '0' })).statusCode).toBe(400);
    res = await req(editor, 'PATCH', `/tasks/${b?.id}`, { position: 'Zy' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await titles(owner, projectId, 'in_progress')).toEqual(['b', 'c', 'd']);
  });

  it('sort=position pages with a cursor in board order; unknown sort is still 400', async () => {
    const { owner, projectId } = await team();
    for (let i = 0; i < 7; i++) await create(owner, { title: `t${i}`, projectId });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await req(
        owner,
        'GET',
        `/tasks?projectId=${projectId}&status=pending&sort=position&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().data.map((t: { title: string }) => t.title));
      cursor = res.json().meta.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect((await req(owner, 'GET', '/tasks?sort=-position')).statusCode).toBe(200);
    expect((await req(owner, 'GET', '/tasks?sort=place')).statusCode).toBe(400);
  });

  it('keys longer than 64 characters renumber the column in one transaction, order kept', async () => {
    const { owner, projectId } = await team();
    const ts = [];
    for (let i = 0; i < 5; i++) ts.push(await create(owner, { title: `r${i}`, projectId }));
    // Plant long keys on r1 and r2 (adjacent): a key between them would be longer than REBALANCE_AT.
    const long1 = `a1${'V'.repeat(70)}`;
    const long2 = `a1${'V'.repeat(71)}`;
    await ctx.database.db.execute(sql`update tasks set position = ${long1} where id = ${ts[1]?.id}::uuid`);
    await ctx.database.db.execute(sql`update tasks set position = ${long2} where id = ${ts[2]?.id}::uuid`);
    await ctx.database.db.execute(sql`update tasks set position = 'a2' where id = ${ts[3]?.id}::uuid`);
    await ctx.database.db.execute(sql`update tasks set position = 'a3' where id = ${ts[4]?.id}::uuid`);
    await ctx.database.db.execute(sql`update tasks set position = 'a0' where id = ${ts[0]?.id}::uuid`);
    expect(await titles(owner, projectId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    // The positive control: without rebalancing, this move's key would be too long.
    expect(generateKeyBetween(long1, long2).length).toBeGreaterThan(REBALANCE_AT);
    const res = await req(owner, 'PATCH', `/tasks/${ts[4]?.id}`, { after: ts[1]?.id });
    expect(res.statusCode, res.body).toBe(200);
    const after = await column(owner, projectId);
    expect(after.map((t) => t.title)).toEqual(['r0', 'r1', 'r4', 'r2', 'r3']);
    for (const t of after) expect((t.position ?? '').length).toBeLessThanOrEqual(REBALANCE_AT);
    expect(Math.max(...after.map((t) => (t.position ?? '').length))).toBeLessThan(5);
  });

  it('unplaced tasks (no position) sort last and get placed when named as a neighbour; bulk moves unplace', async () => {
    const { owner, projectId } = await team();
    const placed = await create(owner, { title: 'placed', projectId });
    const legacy = await seedTask(ctx.database.db, owner.id, { title: 'legacy', projectId });
    expect(legacy.position).toBeNull();
    expect(await titles(owner, projectId)).toEqual(['placed', 'legacy']);
    const res = await req(owner, 'PATCH', `/tasks/${placed.id}`, { after: legacy.id });
    expect(res.statusCode, res.body).toBe(200);
    const col = await column(owner, projectId);
    expect(col.map((t) => t.title)).toEqual(['legacy', 'placed']);
    expect(col.every((t) => t.position !== null)).toBe(true);
    // Bulk status change of both into in_progress: no collision (unplaced there), no 500.
    const b = await req(owner, 'POST', '/tasks/bulk', {
      action: 'update',
      ids: [placed.id, legacy.id],
      patch: { status: 'in_progress' },
    });
    expect(b.statusCode, b.body).toBe(200);
    expect((await column(owner, projectId, 'in_progress')).length).toBe(2);
    // Bulk refuses board, parent and assignee fields (they are checked per task).
    const bad = await req(owner, 'POST', '/tasks/bulk', {
      action: 'update',
      ids: [placed.id],
      patch: { parentId: null },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('subtasks: one level deep, counts on the parent, parentId=none, delete and restore together', async () => {
    const { owner, editor, projectId } = await team();
    const parent = await create(owner, { title: 'parent', projectId });
    const s1 = await create(editor, { title: 's1', projectId, parentId: parent.id });
    const s2 = await create(editor, { title: 's2', projectId, parentId: parent.id, status: 'completed' });
    let p = (await req(owner, 'GET', `/tasks/${parent.id}`)).json().data;
    expect([p.subtaskCount, p.subtaskDoneCount]).toEqual([2, 1]);
    expect((await req(owner, 'PATCH', `/tasks/${s1.id}`, { status: 'completed' })).statusCode).toBe(200);
    const listed = (await req(owner, 'GET', `/tasks?projectId=${projectId}&parentId=none`)).json().data;
    expect(listed.map((t: { title: string }) => t.title)).toEqual(['parent']);
    expect([listed[0].subtaskCount, listed[0].subtaskDoneCount]).toEqual([2, 2]);
    const children = (await req(owner, 'GET', `/tasks?parentId=${parent.id}&sort=title`)).json().data;
    expect(children.map((t: { title: string }) => t.title)).toEqual(['s1', 's2']);

    // One level: a subtask's subtask → 400; a task with subtasks under another → 409; itself → 400.
    expect((await req(owner, 'POST', '/tasks', { title: 'x', projectId, parentId: s1.id })).statusCode).toBe(400);
    const top = await create(owner, { title: 'top', projectId });
    expect((await req(owner, 'PATCH', `/tasks/${parent.id}`, { parentId: top.id })).statusCode).toBe(409);
    expect((await req(owner, 'PATCH', `/tasks/${top.id}`, { parentId: top.id })).statusCode).toBe(400);
    // A parent in another project (or one the caller cannot see) → 400.
    const mine = await create(owner, { title: 'inbox task' });
    expect((await req(owner, 'POST', '/tasks', { title: 'x', projectId, parentId: mine.id })).statusCode).toBe(400);
    // Re-parenting and detaching keep the counts exact.
    expect((await req(owner, 'PATCH', `/tasks/${s2.id}`, { parentId: top.id })).statusCode).toBe(200);
    p = (await req(owner, 'GET', `/tasks/${parent.id}`)).json().data;
    expect([p.subtaskCount, p.subtaskDoneCount]).toEqual([1, 1]);
    expect((await req(owner, 'PATCH', `/tasks/${s2.id}`, { parentId: null })).statusCode).toBe(200);
    expect((await req(owner, 'GET', `/tasks/${top.id}`)).json().data.subtaskCount).toBe(0);

    // Deleting the parent deletes its subtasks; restoring it brings them back.
    expect((await req(editor, 'DELETE', `/tasks/${parent.id}`)).statusCode).toBe(204);
    expect((await req(owner, 'GET', `/tasks/${s1.id}`)).statusCode).toBe(404);
    const restored = await req(editor, 'POST', `/tasks/${parent.id}/restore`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect([restored.json().data.subtaskCount, restored.json().data.subtaskDoneCount]).toEqual([1, 1]);
    expect((await req(owner, 'GET', `/tasks/${s1.id}`)).statusCode).toBe(200);
    p = (await req(owner, 'GET', `/tasks/${parent.id}`)).json().data;
    expect([p.subtaskCount, p.subtaskDoneCount]).toEqual([1, 1]);
  });

  it('subtasks and comments move with their parent to another project', async () => {
    const { owner, projectId } = await team();
    const target = (await req(owner, 'POST', '/projects', { name: 'Target' })).json().data.id as string;
    const parent = await create(owner, { title: 'mover', projectId });
    const child = await create(owner, { title: 'child', projectId, parentId: parent.id });
    expect((await req(owner, 'POST', `/tasks/${child.id}/comments`, { body: 'on the child' })).statusCode).toBe(201);
    expect((await req(owner, 'POST', `/tasks/${parent.id}/comments`, { body: 'on the parent' })).statusCode).toBe(201);
    expect((await req(owner, 'PATCH', `/tasks/${child.id}`, { projectId: target })).statusCode).toBe(409);
    const res = await req(owner, 'PATCH', `/tasks/${parent.id}`, { projectId: target });
    expect(res.statusCode, res.body).toBe(200);
    expect((await req(owner, 'GET', `/tasks/${child.id}`)).json().data.projectId).toBe(target);
    const inTarget = await rows(
      sql`select count(*)::int as n from task_comments where project_id = ${target}::uuid and task_id in (${sql.raw(`'${parent.id}','${child.id}'`)})`,
    );
    expect(inTarget[0]?.n).toBe(2);
    expect((await req(owner, 'GET', `/tasks/${child.id}/comments`)).json().data[0].body).toBe('on the child');
  });

  it('assignees: members only (400 otherwise), null clears, assigneeId=me; removal clears the assignment', async () => {
    const { owner, editor, viewer, projectId } = await team();
    const stranger = await createUser(ctx.platform);
    const t = await create(owner, { title: 'assign me', projectId, assigneeId: viewer.id });
    expect((await req(owner, 'GET', `/tasks/${t.id}`)).json().data.assigneeId).toBe(viewer.id);
    const res = await req(owner, 'POST', '/tasks', { title: 'x', projectId, assigneeId: stranger.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect((await req(editor, 'PATCH', `/tasks/${t.id}`, { assigneeId: stranger.id })).statusCode).toBe(400);
    expect((await req(editor, 'PATCH', `/tasks/${t.id}`, { assigneeId: editor.id })).statusCode).toBe(200);
    const mine = (await req(editor, 'GET', '/tasks?assigneeId=me')).json().data;
    expect(mine.map((x: { id: string }) => x.id)).toEqual([t.id]);
    expect((await req(owner, 'GET', '/tasks?assigneeId=me')).json().data).toEqual([]);
    // The editor is removed from the project: their assignments there are cleared.
    expect((await req(owner, 'DELETE', `/projects/${projectId}/members/${editor.id}`)).statusCode).toBe(204);
    expect((await req(owner, 'GET', `/tasks/${t.id}`)).json().data.assigneeId).toBeNull();
    expect((await req(owner, 'PATCH', `/tasks/${t.id}`, { assigneeId: null })).statusCode).toBe(200);
  });

  it('history entries name their actor; rows from before actors read as the owner; a deleted actor as "Deleted user"', async () => {
    const { owner, editor, projectId } = await team();
    const t = await create(owner, { title: 'history', projectId });
    expect((await req(editor, 'PATCH', `/tasks/${t.id}`, { title: 'history 2' })).statusCode).toBe(200);
    let h = (await req(owner, 'GET', `/tasks/${t.id}/history`)).json().data;
    expect(h.map((e: { type: string; actorId: string }) => [e.type, e.actorId])).toEqual([
      ['updated', editor.id],
      ['created', owner.id],
    ]);
    expect(h[0].actorName).toBe(editor.name);
    // An entry written before actors were recorded (actor_id null) reads as the task's owner.
    await ctx.database.db.execute(sql`update task_activity set actor_id = null where task_id = ${t.id}::uuid`);
    h = (await req(owner, 'GET', `/tasks/${t.id}/history`)).json().data;
    expect(h.map((e: { actorId: string }) => e.actorId)).toEqual([owner.id, owner.id]);
    // The editor's account is deleted: their entry stays, as "Deleted user".
    expect((await req(editor, 'PATCH', `/tasks/${t.id}`, { title: 'history 3' })).statusCode).toBe(200);
    await ctx.database.db.execute(sql`delete from users where id = ${editor.id}::uuid`);
    h = (await req(owner, 'GET', `/tasks/${t.id}/history`)).json().data;
    expect([h[0].actorId, h[0].actorName]).toEqual([null, 'Deleted user']);
  });
});
