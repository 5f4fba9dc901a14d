/**
 * Comments (issue 15 item 5) on every driver: the route × role matrix (owner / editor / viewer / non-member /
 * removed member / anonymous) with "nothing changed where it must not", the Comment JSON, bodies kept verbatim
 * (never HTML), a deleted author as "Deleted user", and live events to the project's current members only.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const API = '/api/v1';

describe.each(drivers())('comments on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
  });
  afterAll(async () => ctx?.close());

  const req = (user: TestUser | null, method: string, url: string, payload?: unknown) =>
    ctx.app.inject({
      method: method as 'GET',
      url: `${API}${url}`,
      headers: user ? user.headers : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const count = async (taskId: string) =>
    (
      (await ctx.database.db.execute(
        sql`select count(*)::int as n from task_comments where task_id = ${taskId}::uuid`,
      )) as unknown as { rows: Array<{ n: number }> }
    ).rows[0]?.n;

  async function team() {
    const [owner, editor, viewer, outsider, removed] = await Promise.all(
      Array.from({ length: 5 }, () => createUser(ctx.platform)),
    );
    const projectId = (await req(owner as TestUser, 'POST', '/projects', { name: 'Comments' })).json().data
      .id as string;
    await ctx.database.db.transaction(async (tx) => {
      const s = ctx.modules.projects.service;
      await s.addMember(tx, projectId, (editor as TestUser).id, 'editor');
      await s.addMember(tx, projectId, (viewer as TestUser).id, 'viewer');
      await s.addMember(tx, projectId, (removed as TestUser).id, 'editor');
    });
    const task = (await req(owner as TestUser, 'POST', '/tasks', { title: 'discuss', projectId })).json().data;
    return {
      owner: owner as TestUser,
      editor: editor as TestUser,
      viewer: viewer as TestUser,
      outsider: outsider as TestUser,
      removed: removed as TestUser,
      projectId,
      taskId: task.id as string,
    };
  }

  it('POST/GET/PATCH/DELETE with the exact Comment JSON; bodies verbatim, never HTML', async () => {
    const { owner, editor, taskId } = await team();
    const body = '**bold** <script>alert(1)</script> <img src=x onerror=alert(2)>';
    const res = await req(editor, 'POST', `/tasks/${taskId}/comments`, { body });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const c = res.json().data;
    expect(Object.keys(c).sort()).toEqual(['authorId', 'authorName', 'body', 'createdAt', 'id', 'taskId', 'updatedAt']);
    expect(c).toMatchObject({ taskId, authorId: editor.id, authorName: editor.name, body });
    expect(res.headers.location).toBe(`${API}/tasks/${taskId}/comments/${c.id}`);
    const list = await req(owner, 'GET', `/tasks/${taskId}/comments`);
    expect(list.json().data).toEqual([c]);
    const edited = await req(editor, 'PATCH', `/tasks/${taskId}/comments/${c.id}`, { body: 'edited' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().data.body).toBe('edited');
    expect(edited.json().data.createdAt).toBe(c.createdAt);
    // Validation: blank, too long, unknown fields → 400; a comment of another task → 404.
    expect((await req(editor, 'POST', `/tasks/${taskId}/comments`, { body: '   ' })).statusCode).toBe(400);
    expect((await req(editor, 'POST', `/tasks/${taskId}/comments`, { body: 'x'.repeat(5001) })).statusCode).toBe(400);
    expect((await req(editor, 'POST', `/tasks/${taskId}/comments`, { body: 'x'.repeat(5000) })).statusCode).toBe(201);
    expect((await req(editor, 'POST', `/tasks/${taskId}/comments`, { body: 'x', html: true })).statusCode).toBe(400);
    const other = (await req(owner, 'POST', '/tasks', { title: 'other' })).json().data.id;
    expect((await req(editor, 'PATCH', `/tasks/${other}/comments/${c.id}`, { body: 'y' })).statusCode).toBe(404);
    expect((await req(editor, 'DELETE', `/tasks/${taskId}/comments/${c.id}`)).statusCode).toBe(204);
    expect((await req(owner, 'GET', `/tasks/${taskId}/comments`)).json().data.length).toBe(1);
  });

  it('the matrix: owner / editor / viewer / non-member / removed member / anonymous', async () => {
    const { owner, editor, viewer, outsider, removed, projectId, taskId } = await team();
    const byEditor = (await req(editor, 'POST', `/tasks/${taskId}/comments`, { body: 'editor says' })).json().data;
    const byRemoved = (await req(removed, 'POST', `/tasks/${taskId}/comments`, { body: 'soon gone' })).json().data;
    expect((await req(owner, 'DELETE', `/projects/${projectId}/members/${removed.id}`)).statusCode).toBe(204);
    const cases: Array<[string, TestUser | null, Record<string, number>]> = [
      // list, create, edit the editor's, delete the editor's
      ['owner', owner, { list: 200, create: 201, edit: 403 }],
      ['editor', editor, { list: 200, create: 201 }],
      ['viewer', viewer, { list: 200, create: 403, edit: 403, remove: 403 }],
      ['non-member', outsider, { list: 404, create: 404, edit: 404, remove: 404 }],
      ['removed member', removed, { list: 404, create: 404, edit: 404, remove: 404 }],
      ['anonymous', null, { list: 401, create: 401, edit: 401, remove: 401 }],
    ];
    for (const [who, u, want] of cases) {
      const before = (await count(taskId)) ?? 0;
      if (want.list) expect((await req(u, 'GET', `/tasks/${taskId}/comments`)).statusCode, who).toBe(want.list);
      if (want.create) {
        const r = await req(u, 'POST', `/tasks/${taskId}/comments`, { body: `from ${who}` });
        expect(r.statusCode, who).toBe(want.create);
        expect(await count(taskId), who).toBe(before + (want.create === 201 ? 1 : 0));
      }
      if (want.edit) {
        const r = await req(u, 'PATCH', `/tasks/${taskId}/comments/${byEditor.id}`, { body: 'hijacked' });
        expect(r.statusCode, who).toBe(want.edit);
      }
      if (want.remove) {
        expect((await req(u, 'DELETE', `/tasks/${taskId}/comments/${byEditor.id}`)).statusCode, who).toBe(want.remove);
      }
    }
    const kept = (await req(owner, 'GET', `/tasks/${taskId}/comments`)).json().data;
    expect(kept.find((c: { id: string }) => c.id === byEditor.id).body).toBe('editor says');
    // The owner may delete anyone's comment (the removed member's stays until then); the editor only their own.
    expect((await req(editor, 'DELETE', `/tasks/${taskId}/comments/${byRemoved.id}`)).statusCode).toBe(403);
    expect((await req(owner, 'DELETE', `/tasks/${taskId}/comments/${byRemoved.id}`)).statusCode).toBe(204);
    expect((await req(owner, 'DELETE', `/tasks/${taskId}/comments/${byEditor.id}`)).statusCode).toBe(204);
    // A deleted task's comments are not reachable; its restore brings them back.
    const c = (await req(editor, 'POST', `/tasks/${taskId}/comments`, { body: 'kept' })).json().data;
    expect((await req(owner, 'DELETE', `/tasks/${taskId}`)).statusCode).toBe(204);
    expect((await req(owner, 'GET', `/tasks/${taskId}/comments`)).statusCode).toBe(404);
    expect((await req(owner, 'POST', `/tasks/${taskId}/restore`)).statusCode).toBe(200);
    const back = (await req(owner, 'GET', `/tasks/${taskId}/comments`)).json().data;
    expect(back.map((x: { id: string }) => x.id)).toContain(c.id);
  });

  it('a deleted account’s comments stay, as "Deleted user" with authorId null', async () => {
    const { owner, editor, taskId } = await team();
    await req(editor, 'POST', `/tasks/${taskId}/comments`, { body: 'from a leaver' });
    await ctx.database.db.execute(sql`delete from users where id = ${editor.id}::uuid`);
    const list = (await req(owner, 'GET', `/tasks/${taskId}/comments`)).json().data;
    expect(list.map((c: { authorId: string | null; authorName: string }) => [c.authorId, c.authorName])).toEqual([
      [null, 'Deleted user'],
    ]);
  });

  it('comment events go to the project’s current members only', async () => {
    const { owner, editor, viewer, outsider, removed, projectId, taskId } = await team();
    expect((await req(owner, 'DELETE', `/projects/${projectId}/members/${removed.id}`)).statusCode).toBe(204);
    const seen: Array<{ audience: string[]; event: string; data: unknown }> = [];
    const off = ctx.platform.events.on('project.event', (e) => {
      if (e.event.startsWith('comment.')) seen.push(e);
    });
    try {
      const c = (await req(editor, 'POST', `/tasks/${taskId}/comments`, { body: 'hello' })).json().data;
      await req(editor, 'PATCH', `/tasks/${taskId}/comments/${c.id}`, { body: 'hello again' });
      await req(editor, 'DELETE', `/tasks/${taskId}/comments/${c.id}`);
      expect(seen.map((e) => e.event)).toEqual(['comment.created', 'comment.updated', 'comment.deleted']);
      for (const e of seen) {
        expect([...e.audience].sort()).toEqual([owner.id, editor.id, viewer.id].sort());
        expect(e.audience).not.toContain(outsider.id);
        expect(e.audience).not.toContain(removed.id);
      }
      expect(seen[2]?.data).toEqual({ id: c.id, taskId });
    } finally {
      off();
    }
  });
});
