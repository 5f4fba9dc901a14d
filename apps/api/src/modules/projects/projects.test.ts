/**
 * Projects, members, invitations and tasks in shared projects through the HTTP API (issue 15 items 1-4), on every
 * driver: the inbox, CRUD with ETags, the last-owner rule, invitations by mail (MemoryMailer), the tasks of a
 * shared project for owner / editor / viewer / outsider, moving a task, and the account deletion rules.
 */
import type { MemoryMailer } from '../../infra/mail/mailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { seedTask } from '../tasks';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const API = '/api/v1';

describe.each(drivers())('projects on %s', (driver) => {
  let ctx: TestContext;
  let mailer: MemoryMailer;

  beforeAll(async () => {
    ctx = await createTestContext(driver);
    mailer = ctx.platform.mailer as MemoryMailer;
  });
  afterAll(async () => ctx?.close());

  const req = (user: TestUser | null, method: string, url: string, payload?: unknown, headers = {}) =>
    ctx.app.inject({
      method: method as 'GET',
      url: `${API}${url}`,
      headers: { ...(user ? user.headers : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const inboxOf = async (u: TestUser) => {
    const res = await req(u, 'GET', '/projects');
    return res.json().data[0];
  };

  /** A project of `owner` shared with an editor and a viewer through accepted invitations. */
  async function sharedProject() {
    const owner = await createUser(ctx.platform);
    const editor = await createUser(ctx.platform);
    const viewer = await createUser(ctx.platform);
    const created = await req(owner, 'POST', '/projects', { name: 'Team', color: '#AABBCC' });
    expect(created.statusCode).toBe(201);
    const project = created.json().data;
    for (const [u, role] of [
      [editor, 'editor'],
      [viewer, 'viewer'],
    ] as const) {
      const inv = await req(owner, 'POST', `/projects/${project.id}/invitations`, { email: u.email, role });
      expect(inv.statusCode).toBe(201);
      const token = tokenOf(u.email);
      const acc = await req(u, 'POST', '/invitations/accept', { token });
      expect(acc.statusCode, acc.body).toBe(200);
      expect(acc.json().data.role).toBe(role);
    }
    return { owner, editor, viewer, project };
  }

  function tokenOf(email: string): string {
    const mail = mailer.last(email);
    if (!mail) throw new Error(`no mail to ${email}`);
    const m = /\/invitations\?token=([^\s"&]+)/.exec(mail.text);
    if (!m?.[1]) throw new Error('no link in the mail');
    return decodeURIComponent(m[1]);
  }

  it('every user has an inbox (inbox first); tasks created without projectId go there; old rows too', async () => {
    const u = await createUser(ctx.platform);
    const list = await req(u, 'GET', '/projects');
    expect(list.statusCode).toBe(200);
    const [inbox] = list.json().data;
    expect(inbox).toMatchObject({
      name: 'Inbox',
      inbox: true,
      role: 'owner',
      memberCount: 1,
      taskCount: 0,
      archived: false,
    });
    const t = await req(u, 'POST', '/tasks', { title: 'x' });
    expect(t.statusCode).toBe(201);
    expect(t.json().data).toMatchObject({ projectId: inbox.id, assigneeId: null, parentId: null });
    // A row inserted without a project (a fixture, an older release) lands in the owner's inbox too.
    const seeded = await seedTask(ctx.database.db, u.id, { title: 'seeded' });
    expect(seeded.projectId).toBe(inbox.id);
    const other = await req(u, 'POST', '/projects', { name: 'Side' });
    expect((await req(u, 'GET', '/projects')).json().data.map((p: { name: string }) => p.name)).toEqual([
      'Inbox',
      'Side',
    ]);
    expect(other.headers.location).toBe(`${API}/projects/${other.json().data.id}`);
    expect((await inboxOf(u)).taskCount).toBe(2);
  });

  it('the inbox cannot be deleted or shared', async () => {
    const u = await createUser(ctx.platform);
    const v = await createUser(ctx.platform);
    const inbox = await inboxOf(u);
    expect((await req(u, 'DELETE', `/projects/${inbox.id}`)).statusCode).toBe(409);
    const inv = await req(u, 'POST', `/projects/${inbox.id}/invitations`, { email: v.email, role: 'editor' });
    expect(inv.statusCode).toBe(409);
    expect((await req(u, 'DELETE', `/projects/${inbox.id}/members/${u.id}`)).statusCode).toBe(409);
    expect((await req(u, 'GET', '/projects')).json().data[0].id).toBe(inbox.id);
  });

  it('GET/PATCH/DELETE a project with ETag / If-Match; DELETE removes its tasks', async () => {
    const u = await createUser(ctx.platform);
    const p = (await req(u, 'POST', '/projects', { name: 'P', description: 'd' })).json().data;
    const got = await req(u, 'GET', `/projects/${p.id}`);
    expect(got.statusCode).toBe(200);
    const etag = got.headers.etag as string;
    expect((await req(u, 'GET', `/projects/${p.id}`, undefined, { 'if-none-match': etag })).statusCode).toBe(304);
    const patched = await req(u, 'PATCH', `/projects/${p.id}`, { name: 'P2' }, { 'if-match': etag });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().data).toMatchObject({ name: 'P2', version: 2 });
    const stale = await req(u, 'PATCH', `/projects/${p.id}`, { name: 'P3' }, { 'if-match': etag });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers.etag).toBe(patched.headers.etag);
    const t = (await req(u, 'POST', '/tasks', { title: 'in P', projectId: p.id })).json().data;
    expect(t.projectId).toBe(p.id);
    expect((await req(u, 'DELETE', `/projects/${p.id}`, undefined, { 'if-match': etag })).statusCode).toBe(412);
    expect((await req(u, 'DELETE', `/projects/${p.id}`)).statusCode).toBe(204);
    expect((await req(u, 'GET', `/projects/${p.id}`)).statusCode).toBe(404);
    expect((await req(u, 'GET', `/tasks/${t.id}`)).statusCode).toBe(404);
    expect((await req(u, 'POST', '/projects', { name: '' })).statusCode).toBe(400);
    expect((await req(u, 'POST', '/projects', { name: 'x', color: 'red' })).statusCode).toBe(400);
  });

  it('a shared project: members see and edit its tasks by role; outsiders get 404, viewers 403 on writes', async () => {
    const { owner, editor, viewer, project } = await sharedProject();
    const outsider = await createUser(ctx.platform);
    const task = (await req(owner, 'POST', '/tasks', { title: 'shared', projectId: project.id })).json().data;
    // Everyone who is a member lists it (with their own tasks); the outsider does not.
    for (const u of [owner, editor, viewer]) {
      const ids = (await req(u, 'GET', '/tasks')).json().data.map((t: { id: string }) => t.id);
      expect(ids).toContain(task.id);
      expect((await req(u, 'GET', `/tasks/${task.id}`)).statusCode).toBe(200);
      expect((await req(u, 'GET', `/tasks/${task.id}/history`)).statusCode).toBe(200);
    }
    expect((await req(outsider, 'GET', '/tasks')).json().data).toEqual([]);
    expect((await req(outsider, 'GET', `/tasks/${task.id}`)).statusCode).toBe(404);
    expect((await req(outsider, 'GET', `/tasks?projectId=${project.id}`)).statusCode).toBe(404);
    expect((await req(outsider, 'GET', `/tasks/stats?projectId=${project.id}`)).statusCode).toBe(404);
    expect((await req(outsider, 'GET', `/projects/${project.id}`)).statusCode).toBe(404);
    // The editor writes; the viewer cannot (403), nor can the outsider (404).
    expect((await req(editor, 'PATCH', `/tasks/${task.id}`, { status: 'in_progress' })).statusCode).toBe(200);
    const vw = await req(viewer, 'PATCH', `/tasks/${task.id}`, { title: 'no' });
    expect(vw.statusCode).toBe(403);
    expect(vw.json().code).toBe('FORBIDDEN');
    expect((await req(viewer, 'POST', '/tasks', { title: 'no', projectId: project.id })).statusCode).toBe(403);
    expect((await req(outsider, 'PATCH', `/tasks/${task.id}`, { title: 'no' })).statusCode).toBe(404);
    expect((await req(outsider, 'POST', '/tasks', { title: 'no', projectId: project.id })).statusCode).toBe(404);
    expect((await req(viewer, 'DELETE', `/tasks/${task.id}`)).statusCode).toBe(403);
    const bulk = await req(viewer, 'POST', '/tasks/bulk', { action: 'delete', ids: [task.id] });
    expect(bulk.statusCode).toBe(403);
    // The owner's stats (no projectId) count it; per project too.
    const stats = (await req(viewer, 'GET', `/tasks/stats?projectId=${project.id}`)).json().data;
    expect(stats.total).toBe(1);
    expect(stats.byStatus.in_progress).toBe(1);
    // The owner's cached list sees the editor's change (the cache is per user, invalidated for every member).
    const ownerList = (await req(owner, 'GET', `/tasks?projectId=${project.id}`)).json().data;
    expect(ownerList[0].status).toBe('in_progress');
    expect((await req(editor, 'DELETE', `/tasks/${task.id}`)).statusCode).toBe(204);
    expect((await req(owner, 'GET', `/tasks?projectId=${project.id}`)).json().data).toEqual([]);
  });

  it('moving a task needs a write role in both projects; its subtasks move with it', async () => {
    const { owner, editor, viewer, project } = await sharedProject();
    const ownerInbox = await inboxOf(owner);
    const viewerInbox = await inboxOf(viewer);
    const t = (await req(owner, 'POST', '/tasks', { title: 'mine' })).json().data;
    expect(t.projectId).toBe(ownerInbox.id);
    // The editor may not take it out of the owner's inbox (not a member there: 404).
    expect((await req(editor, 'PATCH', `/tasks/${t.id}`, { projectId: project.id })).statusCode).toBe(404);
    const moved = await req(owner, 'PATCH', `/tasks/${t.id}`, { projectId: project.id });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().data.projectId).toBe(project.id);
    const history = (await req(editor, 'GET', `/tasks/${t.id}/history`)).json().data;
    expect(history[0].changes.projectId).toEqual({ from: ownerInbox.id, to: project.id });
    // A viewer of the source cannot move it into their own inbox (403); a non-member target is 404.
    expect((await req(viewer, 'PATCH', `/tasks/${t.id}`, { projectId: viewerInbox.id })).statusCode).toBe(403);
    expect((await req(editor, 'PATCH', `/tasks/${t.id}`, { projectId: viewerInbox.id })).statusCode).toBe(404);
    expect((await req(owner, 'GET', `/tasks/${t.id}`)).json().data.projectId).toBe(project.id);
    // Subtasks follow their parent (rows written directly: subtasks are created by issue 15 item 5).
    const child = await seedTask(ctx.database.db, owner.id, { title: 'child', projectId: project.id });
    await ctx.database.db.execute(
      (await import('drizzle-orm')).sql`update tasks set parent_id = ${t.id} where id = ${child.id}`,
    );
    expect((await req(owner, 'PATCH', `/tasks/${t.id}`, { projectId: ownerInbox.id })).statusCode).toBe(200);
    expect((await req(owner, 'GET', `/tasks/${child.id}`)).json().data.projectId).toBe(ownerInbox.id);
  });

  it('members: list, role change, the last-owner rule (409), remove and leave', async () => {
    const { owner, editor, viewer, project } = await sharedProject();
    const members = (await req(viewer, 'GET', `/projects/${project.id}/members`)).json().data;
    expect(members.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [owner.id, 'owner'],
      [editor.id, 'editor'],
      [viewer.id, 'viewer'],
    ]);
    expect(members[0]).toMatchObject({ email: owner.email, name: owner.name });
    // Only an owner changes roles; the last owner can be neither demoted nor removed.
    expect(
      (await req(editor, 'PATCH', `/projects/${project.id}/members/${viewer.id}`, { role: 'editor' })).statusCode,
    ).toBe(403);
    expect(
      (await req(owner, 'PATCH', `/projects/${project.id}/members/${owner.id}`, { role: 'editor' })).statusCode,
    ).toBe(409);
    expect((await req(owner, 'DELETE', `/projects/${project.id}/members/${owner.id}`)).statusCode).toBe(409);
    const promoted = await req(owner, 'PATCH', `/projects/${project.id}/members/${editor.id}`, { role: 'owner' });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json().data.role).toBe('owner');
    // Two owners now: the first may leave.
    expect((await req(owner, 'DELETE', `/projects/${project.id}/members/${owner.id}`)).statusCode).toBe(204);
    expect((await req(owner, 'GET', `/projects/${project.id}`)).statusCode).toBe(404);
    // A viewer leaves; a viewer cannot remove others.
    expect((await req(viewer, 'DELETE', `/projects/${project.id}/members/${editor.id}`)).statusCode).toBe(403);
    expect((await req(viewer, 'DELETE', `/projects/${project.id}/members/${viewer.id}`)).statusCode).toBe(204);
    expect((await req(editor, 'GET', `/projects/${project.id}`)).json().data.memberCount).toBe(1);
    expect((await req(editor, 'DELETE', `/projects/${project.id}/members/${viewer.id}`)).statusCode).toBe(404);
  });

  it('invitations: hashed single-use token, 7 days, email must match, revoke, existing member 409', async () => {
    const owner = await createUser(ctx.platform);
    const invitee = await createUser(ctx.platform);
    const stranger = await createUser(ctx.platform);
    const p = (await req(owner, 'POST', '/projects', { name: 'Invites' })).json().data;
    const created = await req(owner, 'POST', `/projects/${p.id}/invitations`, {
      email: invitee.email.toUpperCase(),
      role: 'viewer',
    });
    expect(created.statusCode).toBe(201);
    const inv = created.json().data;
    expect(inv).toMatchObject({ email: invitee.email, role: 'viewer', status: 'pending', projectId: p.id });
    expect(Math.abs(Date.parse(inv.expiresAt) - Date.parse(inv.createdAt) - 7 * 86_400_000)).toBeLessThan(60_000);
    const mail = mailer.last(invitee.email);
    expect(mail?.text).toContain(`${ctx.config.appUrl}/invitations?token=`);
    const token = tokenOf(invitee.email);
    // Only the hash is stored.
    const stored = await ctx.database.db.execute(
      (await import('drizzle-orm')).sql`select token_hash from project_invitations where id = ${inv.id}`,
    );
    expect(JSON.stringify(stored)).not.toContain(token);
    // Wrong email → 403, nothing changes; right one → 200 project; again → 400.
    expect((await req(stranger, 'POST', '/invitations/accept', { token })).statusCode).toBe(403);
    expect((await req(stranger, 'GET', `/projects/${p.id}`)).statusCode).toBe(404);
    const ok = await req(invitee, 'POST', '/invitations/accept', { token });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data).toMatchObject({ id: p.id, role: 'viewer', memberCount: 2 });
    expect((await req(invitee, 'POST', '/invitations/accept', { token })).statusCode).toBe(400);
    expect((await req(invitee, 'POST', '/invitations/accept', { token: 'nope' })).statusCode).toBe(400);
    // Inviting an existing member → 409.
    expect(
      (await req(owner, 'POST', `/projects/${p.id}/invitations`, { email: invitee.email, role: 'editor' })).statusCode,
    ).toBe(409);
    // Revoked → 400; an expired one → 400.
    await req(owner, 'POST', `/projects/${p.id}/invitations`, { email: stranger.email, role: 'editor' });
    const revoked = tokenOf(stranger.email);
    const list = (await req(owner, 'GET', `/projects/${p.id}/invitations`)).json().data;
    const pending = list.find((i: { email: string }) => i.email === stranger.email);
    expect((await req(invitee, 'GET', `/projects/${p.id}/invitations`)).statusCode).toBe(403);
    expect((await req(owner, 'DELETE', `/projects/${p.id}/invitations/${pending.id}`)).statusCode).toBe(204);
    expect((await req(owner, 'DELETE', `/projects/${p.id}/invitations/${pending.id}`)).statusCode).toBe(409);
    expect((await req(stranger, 'POST', '/invitations/accept', { token: revoked })).statusCode).toBe(400);
    await req(owner, 'POST', `/projects/${p.id}/invitations`, { email: stranger.email, role: 'editor' });
    const expiring = tokenOf(stranger.email);
    await ctx.database.db.execute(
      (await import('drizzle-orm')).sql`update project_invitations set expires_at = now() - interval '1 second'
        where project_id = ${p.id} and revoked_at is null and accepted_at is null`,
    );
    expect((await req(stranger, 'POST', '/invitations/accept', { token: expiring })).statusCode).toBe(400);
    expect((await req(stranger, 'GET', `/projects/${p.id}`)).statusCode).toBe(404);
  });

  it('account deletion: inbox and sole-member projects go; the earliest-joined member becomes owner and keeps the tasks', async () => {
    const { owner, editor, viewer, project } = await sharedProject();
    const solo = (await req(owner, 'POST', '/projects', { name: 'Solo' })).json().data;
    const soloTask = (await req(owner, 'POST', '/tasks', { title: 'solo', projectId: solo.id })).json().data;
    const shared = (await req(owner, 'POST', '/tasks', { title: 'stays', projectId: project.id })).json().data;
    const gone = await req(owner, 'DELETE', '/users/me', { password: owner.password });
    expect(gone.statusCode).toBe(204);
    expect((await req(editor, 'GET', `/tasks/${soloTask.id}`)).statusCode).toBe(404);
    const remaining = (await req(editor, 'GET', `/projects/${project.id}/members`)).json().data;
    expect(remaining.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [editor.id, 'owner'],
      [viewer.id, 'viewer'],
    ]);
    const kept = await req(viewer, 'GET', `/tasks/${shared.id}`);
    expect(kept.statusCode).toBe(200);
    expect((await req(editor, 'GET', `/tasks/${shared.id}/history`)).json().data.length).toBeGreaterThan(0);
    const rows = await ctx.database.db.execute(
      (await import('drizzle-orm'))
        .sql`select count(*)::int as n from projects where id = ${solo.id} or inbox_of = ${owner.id}`,
    );
    expect(Number((rows as unknown as { rows: Array<{ n: number }> }).rows[0]?.n)).toBe(0);
  });
});
