/**
 * Membership changes in the audit log (issue 15, issue 18 item 5), on every driver: an invitation created, revoked
 * and accepted (member added), a role changed, a member removed, a member leaving, a project deleted and ownership
 * handed on when the last owner deletes their account — each writes exactly one audit row naming the actor, the
 * member it is about and the project, in the action's transaction; a refused action (403/404/409) writes none; no
 * row carries the invitation token or its hash.
 */
import { gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AuditEventRow, auditEvents } from '../../infra/db/schema';
import type { MemoryMailer } from '../../infra/mail/mailer';
import { hashToken } from '../../infra/tokens';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const API = '/api/v1';

describe.each(drivers())('project membership audit on %s', (driver) => {
  let ctx: TestContext;
  let mailer: MemoryMailer;
  const tokens: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(driver);
    mailer = ctx.platform.mailer as MemoryMailer;
  });
  afterAll(async () => ctx?.close());

  const req = (user: TestUser | null, method: string, url: string, payload?: unknown) =>
    ctx.app.inject({
      method: method as 'GET',
      url: `${API}${url}`,
      headers: { 'user-agent': 'audit-agent/1', ...(user ? user.headers : {}) },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const lastId = async () => {
    const rows = await ctx.database.db.select({ id: auditEvents.id }).from(auditEvents);
    return rows.reduce((m, r) => Math.max(m, r.id), 0);
  };
  /** The project.* rows written by `action` (rows after the mark), with the action's status. */
  async function during(action: () => Promise<{ statusCode: number; body: string }>) {
    const mark = await lastId();
    const res = await action();
    const rows: AuditEventRow[] = (
      await ctx.database.db.select().from(auditEvents).where(gt(auditEvents.id, mark))
    ).filter((r) => r.type.startsWith('project.'));
    return { status: res.statusCode, body: res.body, rows };
  }

  function tokenOf(email: string): string {
    const m = /\/invitations\?token=([^\s"&]+)/.exec(mailer.last(email)?.text ?? '');
    if (!m?.[1]) throw new Error(`no invitation mail to ${email}`);
    const token = decodeURIComponent(m[1]);
    tokens.push(token);
    return token;
  }

  async function invite(owner: TestUser, projectId: string, u: TestUser, role: 'editor' | 'viewer') {
    const inv = await req(owner, 'POST', `/projects/${projectId}/invitations`, { email: u.email, role });
    expect(inv.statusCode).toBe(201);
    expect((await req(u, 'POST', '/invitations/accept', { token: tokenOf(u.email) })).statusCode).toBe(200);
  }

  async function shared() {
    const owner = await createUser(ctx.platform);
    const editor = await createUser(ctx.platform);
    const viewer = await createUser(ctx.platform);
    const projectId: string = (await req(owner, 'POST', '/projects', { name: 'Audited' })).json().data.id;
    await invite(owner, projectId, editor, 'editor');
    await invite(owner, projectId, viewer, 'viewer');
    return { owner, editor, viewer, projectId };
  }

  const one = (rows: AuditEventRow[]) => {
    expect(rows.map((r) => r.type)).toHaveLength(1);
    return rows[0] as AuditEventRow;
  };

  it('invitation created, accepted (member added) and revoked: one row each, never the token', async () => {
    const owner = await createUser(ctx.platform);
    const invitee = await createUser(ctx.platform);
    const projectId: string = (await req(owner, 'POST', '/projects', { name: 'Inv' })).json().data.id;

    const created = await during(() =>
      req(owner, 'POST', `/projects/${projectId}/invitations`, { email: invitee.email, role: 'editor' }),
    );
    expect(created.status).toBe(201);
    const invitationId = JSON.parse(created.body).data.id;
    expect(one(created.rows)).toMatchObject({
      type: 'project.invitation.created',
      userId: owner.id,
      actorId: owner.id,
      userAgent: 'audit-agent/1',
      details: { projectId, invitationId, email: invitee.email, role: 'editor', inviteeId: invitee.id },
    });

    const token = tokenOf(invitee.email);
    const accepted = await during(() => req(invitee, 'POST', '/invitations/accept', { token }));
    expect(accepted.status).toBe(200);
    expect(one(accepted.rows)).toMatchObject({
      type: 'project.member.added',
      userId: invitee.id,
      actorId: invitee.id,
      details: { projectId, role: 'editor', invitationId, invitedBy: owner.id },
    });

    await req(owner, 'POST', `/projects/${projectId}/invitations`, { email: 'later@example.test', role: 'viewer' });
    tokenOf('later@example.test');
    const pending = (await req(owner, 'GET', `/projects/${projectId}/invitations`))
      .json()
      .data.find((i: { email: string }) => i.email === 'later@example.test');
    const revoked = await during(() => req(owner, 'DELETE', `/projects/${projectId}/invitations/${pending.id}`));
    expect(revoked.status).toBe(204);
    expect(one(revoked.rows)).toMatchObject({
      type: 'project.invitation.revoked',
      userId: owner.id,
      actorId: owner.id,
      details: { projectId, invitationId: pending.id, email: 'later@example.test' },
    });
  });

  it('role changed, member removed, member left, project deleted: one row each with actor, member and project', async () => {
    const { owner, editor, viewer, projectId } = await shared();

    const role = await during(() =>
      req(owner, 'PATCH', `/projects/${projectId}/members/${viewer.id}`, { role: 'editor' }),
    );
    expect(role.status).toBe(200);
    expect(one(role.rows)).toMatchObject({
      type: 'project.member.role_changed',
      userId: viewer.id,
      actorId: owner.id,
      details: { projectId, from: 'viewer', to: 'editor' },
    });
    // The same role again changes nothing and records nothing.
    const same = await during(() =>
      req(owner, 'PATCH', `/projects/${projectId}/members/${viewer.id}`, { role: 'editor' }),
    );
    expect(same.status).toBe(200);
    expect(same.rows).toEqual([]);

    const removed = await during(() => req(owner, 'DELETE', `/projects/${projectId}/members/${viewer.id}`));
    expect(removed.status).toBe(204);
    expect(one(removed.rows)).toMatchObject({
      type: 'project.member.removed',
      userId: viewer.id,
      actorId: owner.id,
      details: { projectId, role: 'editor' },
    });

    const left = await during(() => req(editor, 'DELETE', `/projects/${projectId}/members/${editor.id}`));
    expect(left.status).toBe(204);
    expect(one(left.rows)).toMatchObject({
      type: 'project.member.left',
      userId: editor.id,
      actorId: editor.id,
      details: { projectId, role: 'editor' },
    });

    const deleted = await during(() => req(owner, 'DELETE', `/projects/${projectId}`));
    expect(deleted.status).toBe(204);
    expect(one(deleted.rows)).toMatchObject({
      type: 'project.deleted',
      userId: owner.id,
      actorId: owner.id,
      details: { projectId, projectName: 'Audited', memberIds: [owner.id] },
    });
  });

  it('the last owner deleting their account: ownership transferred, one row about the heir', async () => {
    const { owner, editor, projectId } = await shared();
    const gone = await during(() => req(owner, 'DELETE', '/users/me', { password: owner.password }));
    expect(gone.status).toBe(204);
    expect(one(gone.rows)).toMatchObject({
      type: 'project.ownership.transferred',
      userId: editor.id,
      actorId: null,
      details: { projectId, fromUserId: owner.id, reason: 'account_deleted' },
    });
  });

  it('a refused action (403, 404, 409) writes no audit row', async () => {
    const { owner, editor, viewer, projectId } = await shared();
    const outsider = await createUser(ctx.platform);
    await req(owner, 'POST', `/projects/${projectId}/invitations`, { email: 'x@example.test', role: 'viewer' });
    const xToken = tokenOf('x@example.test');
    const invitationId: string = (await req(owner, 'GET', `/projects/${projectId}/invitations`))
      .json()
      .data.find((i: { email: string }) => i.email === 'x@example.test').id;
    const inbox: string = (await req(owner, 'GET', '/projects')).json().data[0].id;

    const refusals: Array<[string, number, () => ReturnType<typeof req>]> = [
      [
        'editor changes a role',
        403,
        () => req(editor, 'PATCH', `/projects/${projectId}/members/${viewer.id}`, { role: 'editor' }),
      ],
      ['viewer removes the editor', 403, () => req(viewer, 'DELETE', `/projects/${projectId}/members/${editor.id}`)],
      [
        'editor invites',
        403,
        () => req(editor, 'POST', `/projects/${projectId}/invitations`, { email: 'y@example.test', role: 'viewer' }),
      ],
      ['editor revokes', 403, () => req(editor, 'DELETE', `/projects/${projectId}/invitations/${invitationId}`)],
      ['editor deletes the project', 403, () => req(editor, 'DELETE', `/projects/${projectId}`)],
      ['another address accepts', 403, () => req(outsider, 'POST', '/invitations/accept', { token: xToken })],
      ['outsider deletes the project', 404, () => req(outsider, 'DELETE', `/projects/${projectId}`)],
      ['outsider removes a member', 404, () => req(outsider, 'DELETE', `/projects/${projectId}/members/${viewer.id}`)],
      [
        'outsider invites',
        404,
        () => req(outsider, 'POST', `/projects/${projectId}/invitations`, { email: 'z@example.test', role: 'viewer' }),
      ],
      [
        'unknown invitation revoked',
        404,
        () => req(owner, 'DELETE', `/projects/${projectId}/invitations/00000000-0000-4000-8000-000000000000`),
      ],
      [
        'last owner demotes themself',
        409,
        () => req(owner, 'PATCH', `/projects/${projectId}/members/${owner.id}`, { role: 'editor' }),
      ],
      ['last owner leaves', 409, () => req(owner, 'DELETE', `/projects/${projectId}/members/${owner.id}`)],
      [
        'an existing member invited',
        409,
        () => req(owner, 'POST', `/projects/${projectId}/invitations`, { email: editor.email, role: 'viewer' }),
      ],
      ['the inbox deleted', 409, () => req(owner, 'DELETE', `/projects/${inbox}`)],
    ];
    const failures: string[] = [];
    for (const [name, want, action] of refusals) {
      const { status, rows } = await during(action);
      if (status !== want) failures.push(`${name}: ${status}, expected ${want}`);
      if (rows.length > 0) failures.push(`${name}: wrote ${rows.map((r) => r.type).join(', ')}`);
    }
    // A revoked invitation revoked again is 409 — after the one row of the first revocation.
    expect(
      (await during(() => req(owner, 'DELETE', `/projects/${projectId}/invitations/${invitationId}`))).rows,
    ).toHaveLength(1);
    const again = await during(() => req(owner, 'DELETE', `/projects/${projectId}/invitations/${invitationId}`));
    if (again.status !== 409 || again.rows.length > 0)
      failures.push(`revoked twice: ${again.status}, ${again.rows.length} rows`);
    expect(failures).toEqual([]);
  });

  it('no audit row holds an invitation token or its hash', async () => {
    expect(tokens.length).toBeGreaterThan(3);
    const all = JSON.stringify(await ctx.database.db.select().from(auditEvents));
    for (const t of tokens) {
      expect(all).not.toContain(t);
      expect(all).not.toContain(hashToken(t));
    }
  });
});
