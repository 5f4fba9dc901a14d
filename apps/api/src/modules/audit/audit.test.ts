/**
 * The audit log (issue 18 item 5), on every driver: an event per security action with who, from where and what,
 * written in the action's transaction (a failed action leaves none), no secret in any row, admins see everyone's
 * (filters, cursor paging), a user only their own, and the table refuses UPDATE/DELETE/TRUNCATE except the purge.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEventRow, auditEvents } from '../../infra/db/schema';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { API, bearer, createAuthContext, GOOD_PASSWORD, login, register, uniqueEmail } from '../../test/auth-http';
import { recordAudit } from './index';
import { scrubDetails } from './audit.record';

const UA = 'audit-test-agent/1.0';

describe.each(drivers())('audit log on %s', (driver) => {
  let ctx: TestContext;
  let admin: TestUser;
  beforeAll(async () => {
    ctx = await createAuthContext(driver);
    admin = await createUser(ctx.platform, { role: 'admin' });
  }, 180_000);
  afterAll(async () => ctx?.close());

  const rowsOf = async (userId: string): Promise<AuditEventRow[]> =>
    (await ctx.database.db.select().from(auditEvents)).filter((r) => r.userId === userId);
  const typesOf = async (userId: string) => (await rowsOf(userId)).map((r) => r.type);
  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token?: string, payload?: object) =>
    ctx.app.inject({
      method,
      url: `${API}${url}`,
      headers: { 'user-agent': UA, ...(token ? bearer(token) : {}) },
      ...(payload ? { payload } : {}),
    });
  const raw = (q: ReturnType<typeof sql>) => ctx.database.db.execute(q);
  /** The database's own message (drizzle wraps it as "Failed query: …" with the error as its cause). */
  const refused = async (q: ReturnType<typeof sql>) => {
    const err = await raw(q).then(
      () => null,
      (e: Error & { cause?: Error }) => e,
    );
    return err ? `${err.message} ${err.cause?.message ?? ''}` : 'accepted';
  };

  it('records sign-ins, failures, sessions, password, email, admin changes and deletion, with who and from where', async () => {
    const secrets: string[] = [GOOD_PASSWORD];
    const reg = await register(ctx, {}, { 'user-agent': UA });
    expect(reg.res.statusCode).toBe(201);
    const userId: string = reg.body.data.user.id;
    secrets.push(reg.body.data.accessToken, reg.body.data.refreshToken);

    const wrong = 'not the password at all 123';
    secrets.push(wrong);
    expect((await login(ctx, reg.email, wrong, { 'user-agent': UA })).statusCode).toBe(401);
    const unknownEmail = uniqueEmail('nobody');
    expect((await login(ctx, unknownEmail, wrong)).statusCode).toBe(401);

    const a = (await login(ctx, reg.email, GOOD_PASSWORD, { 'user-agent': UA })).json().data;
    const b = (await login(ctx, reg.email, GOOD_PASSWORD, { 'user-agent': UA })).json().data;
    const c = (await login(ctx, reg.email, GOOD_PASSWORD, { 'user-agent': UA })).json().data;
    secrets.push(a.accessToken, a.refreshToken, b.accessToken, b.refreshToken, c.refreshToken);

    expect((await inject('POST', '/auth/logout', undefined, { refreshToken: c.refreshToken })).statusCode).toBe(204);
    const sessions = (await inject('GET', '/auth/sessions', a.accessToken)).json().data as Array<{
      id: string;
      current: boolean;
    }>;
    const other = sessions.find((s) => !s.current)!;
    expect((await inject('DELETE', `/auth/sessions/${other.id}`, a.accessToken)).statusCode).toBe(204);

    const newPassword = 'amber kettle quiet meadow 77';
    secrets.push(newPassword);
    const changed = await inject('POST', '/auth/password', a.accessToken, {
      currentPassword: GOOD_PASSWORD,
      newPassword,
    });
    expect(changed.statusCode).toBe(204);
    const newEmail = uniqueEmail('moved');
    const emailChange = await inject('PATCH', '/users/me', a.accessToken, {
      email: newEmail,
      currentPassword: newPassword,
    });
    expect(emailChange.statusCode).toBe(200);
    expect((await inject('POST', '/auth/logout-all', a.accessToken)).statusCode).toBe(204);

    const d = (await login(ctx, newEmail, newPassword)).json().data;
    secrets.push(d.accessToken, d.refreshToken);
    const promoted = await inject('PATCH', `/admin/users/${userId}`, admin.accessToken, { role: 'admin' });
    expect(promoted.statusCode).toBe(200);
    expect((await inject('DELETE', '/users/me', d.accessToken, { password: newPassword })).statusCode).toBe(204);

    const types = await typesOf(userId);
    for (const t of [
      'auth.register',
      'auth.login.failed',
      'auth.login.succeeded',
      'auth.session.revoked',
      'auth.logout',
      'auth.password.changed',
      'auth.email.changed',
      'auth.logout_all',
      'admin.user.updated',
      'account.deleted',
    ]) {
      expect(types, t).toContain(t);
    }
    expect(types.filter((t) => t === 'auth.login.succeeded')).toHaveLength(4);

    const rows = await rowsOf(userId);
    const failed = rows.find((r) => r.type === 'auth.login.failed')!;
    expect(failed.actorId).toBeNull();
    expect(failed.details).toMatchObject({ reason: 'password' });
    const ok = rows.find((r) => r.type === 'auth.login.succeeded')!;
    expect(ok.actorId).toBe(userId);
    expect(ok.userAgent).toBe(UA);
    expect(ok.ip).toBeTruthy();
    expect(ok.details).toMatchObject({ method: 'password' });
    const byAdmin = rows.find((r) => r.type === 'admin.user.updated')!;
    expect(byAdmin.actorId).toBe(admin.id);
    expect(byAdmin.details).toMatchObject({ role: 'admin' });
    // The account is gone; its history is not (no foreign key rewrites it).
    expect(rows.find((r) => r.type === 'account.deleted')).toBeDefined();
    // A failed sign-in for an unknown address: no user, a hashed reference, never the address.
    const all = await ctx.database.db.select().from(auditEvents);
    const anon = all.find((r) => r.type === 'auth.login.failed' && r.userId === null);
    expect(anon?.details).toMatchObject({ reason: 'unknown_email' });

    // No secret anywhere in the table: passwords (right, wrong, new), access and refresh tokens, the address.
    const dump = JSON.stringify(all);
    for (const s of [...secrets, unknownEmail])
      expect(dump.includes(s), `secret ${s.slice(0, 8)}… in audit_events`).toBe(false);
  });

  it('drops secret-named detail keys whatever a caller passes', () => {
    expect(
      scrubDetails({
        password: 'x',
        newPassword: 'y',
        refreshToken: 'z',
        code: '123456',
        recoveryCodes: ['a'],
        tokenId: 't1',
        recoveryCodeCount: 10,
        nested: { secret: 's', ok: 1 },
        reason: 'r',
      }),
    ).toEqual({ tokenId: 't1', recoveryCodeCount: 10, nested: { ok: 1 }, reason: 'r' });
  });

  it('writes the event in the action’s transaction: when the event cannot be written the action is undone', async () => {
    const u = await createUser(ctx.platform);
    const second = (await login(ctx, u.email, u.password)).json().data;
    // Planted fault: the database refuses this one event type; the password change must fail as a whole.
    await raw(sql`create or replace function test_refuse_event() returns trigger language plpgsql as $$
      begin raise exception 'planted fault'; end; $$`);
    await raw(sql`create trigger test_refuse_event before insert on audit_events for each row
      when (new.type = 'auth.password.changed') execute function test_refuse_event()`);
    const newPassword = 'copper lantern willow 4242';
    try {
      const res = await inject('POST', '/auth/password', u.accessToken, { currentPassword: u.password, newPassword });
      expect(res.statusCode).toBe(500);
    } finally {
      await raw(sql`drop trigger test_refuse_event on audit_events`);
    }
    // Nothing of the action happened: the old password works, the other session lives, no event.
    expect((await login(ctx, u.email, newPassword)).statusCode).toBe(401);
    expect((await inject('GET', '/auth/me', second.accessToken)).statusCode).toBe(200);
    expect(await typesOf(u.id)).not.toContain('auth.password.changed');
    // And the other way: an event written in a transaction that fails is gone with it. Positive controls: one
    // written in a transaction that commits is there; on PostgreSQL, one written on another connection (outside
    // the failing transaction) survives the failure, and this check sees it. (PGlite has one connection: a write
    // outside an open transaction would wait for it.)
    await ctx.database.db.transaction(async (tx) => {
      await recordAudit(tx, { type: 'test.committed', userId: u.id });
    });
    await expect(
      ctx.database.db.transaction(async (tx) => {
        if (driver === 'postgres') await recordAudit(ctx.database.db, { type: 'test.outside_tx', userId: u.id });
        await recordAudit(tx, { type: 'test.inside_tx', userId: u.id });
        throw new Error('action failed');
      }),
    ).rejects.toThrow('action failed');
    const types = await typesOf(u.id);
    expect(types).toContain('test.committed');
    if (driver === 'postgres') expect(types).toContain('test.outside_tx');
    expect(types).not.toContain('test.inside_tx');
    // Without the fault the same change succeeds and is recorded.
    const again = await inject('POST', '/auth/password', u.accessToken, { currentPassword: u.password, newPassword });
    expect(again.statusCode).toBe(204);
    expect(await typesOf(u.id)).toContain('auth.password.changed');
  });

  it('shows admins every event with filters and cursor paging; users only their own, admins’ actions left out', async () => {
    const u = await createUser(ctx.platform);
    const v = await createUser(ctx.platform);
    for (let i = 0; i < 5; i++) await login(ctx, u.email, u.password);
    await login(ctx, v.email, v.password);
    await inject('PATCH', `/admin/users/${u.id}`, admin.accessToken, { isActive: true });

    expect((await inject('GET', '/admin/audit', u.accessToken)).statusCode).toBe(403);
    expect((await inject('GET', '/admin/audit')).statusCode).toBe(401);
    expect((await inject('GET', '/users/me/audit')).statusCode).toBe(401);
    expect((await inject('GET', '/admin/audit?limit=0', admin.accessToken)).statusCode).toBe(400);
    expect((await inject('GET', '/admin/audit?before=abc', admin.accessToken)).statusCode).toBe(400);

    // Paging: 2 per page over u's sign-ins, newest first, no event twice, the last page says so.
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 5; page++) {
      const q = `/admin/audit?userId=${u.id}&type=auth.login.succeeded&limit=2${before ? `&before=${before}` : ''}`;
      const res = await inject('GET', q, admin.accessToken);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      for (const e of body.data) {
        expect(e.userId).toBe(u.id);
        expect(e.type).toBe('auth.login.succeeded');
        seen.push(e.id);
      }
      before = body.meta.nextBefore;
      if (!body.meta.hasMore) break;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort((x, y) => Number(y) - Number(x))).toEqual(seen);

    const mine = (await inject('GET', '/users/me/audit', u.accessToken)).json();
    expect(mine.data.length).toBeGreaterThanOrEqual(5);
    expect(mine.data.every((e: { userId: string }) => e.userId === u.id)).toBe(true);
    expect(mine.data.some((e: { type: string }) => e.type.startsWith('admin.'))).toBe(false);
    const adminView = (
      await inject('GET', `/admin/audit?userId=${u.id}&type=admin.user.updated`, admin.accessToken)
    ).json();
    expect(adminView.data).toHaveLength(1);
    expect(adminView.data[0].actorId).toBe(admin.id);
  });

  it('refuses UPDATE, DELETE and TRUNCATE; only the retention purge deletes, and only old events', async () => {
    const u = await createUser(ctx.platform);
    await recordAudit(ctx.database.db, { type: 'test.recent', userId: u.id });
    await raw(
      sql`insert into audit_events (type, user_id, at) values ('test.old', ${u.id}, now() - interval '400 days')`,
    );
    expect(await refused(sql`update audit_events set type = 'x' where user_id = ${u.id}`)).toMatch(/append-only/);
    expect(await refused(sql`delete from audit_events where user_id = ${u.id}`)).toMatch(/append-only/);
    expect(await refused(sql`truncate audit_events`)).toMatch(/append-only/);
    // Positive control: the same statements on a table without the trigger are accepted (the check can pass).
    expect(await refused(sql`update users set name = name where id = ${u.id}`)).toBe('accepted');
    // The purge's flag is transaction-local: once audit_purge returns, plain deletes are refused again.
    expect(await typesOf(u.id)).toEqual(expect.arrayContaining(['test.recent', 'test.old']));
    expect(ctx.modules.audit.schedule.map((s) => s.name)).toContain('audit.purge');
    await ctx.modules.audit.jobs['audit.purge']!(undefined, { attempt: 1, jobId: 'test' });
    expect(await typesOf(u.id)).toEqual(['test.recent']);
    expect(await refused(sql`delete from audit_events where user_id = ${u.id}`)).toMatch(/append-only/);
  });
});
