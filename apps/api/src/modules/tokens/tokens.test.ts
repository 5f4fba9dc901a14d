/**
 * Personal API tokens (api.md "Tokens, webhooks, MFA, audit", issue 18 item 3), through app.inject on every driver:
 * create/list/revoke, the secret stored only as a hash, the scope matrix on the tasks (and, when they exist,
 * projects) routes, default deny on every other route (/auth, /users/me, /tokens, /admin, …) shown also on a planted
 * route that has no scope, expiry, revocation, lastUsedAt throttling, the per-user token limit and the shared
 * per-user rate limit.
 */
import { createHash, randomBytes } from 'node:crypto';
import { TOKEN_SCOPES, TOKENS_PER_USER_MAX, type TokenScope } from '@primetrade/shared';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type App, buildApp } from '../../app';
import { composeModules } from '../../composition';
import { testConfig } from '../../config';
import { apiTokens, auditEvents, users } from '../../infra/db/schema';
import { API } from '../../test/auth-http';
import { createTestContext, drivers, openTestDatabase, type TestContext, testPlatform } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';

const HOUR = 3_600_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const asToken = (secret: string) => ({ authorization: `Bearer ${secret}` });

interface Created {
  id: string;
  name: string;
  scopes: TokenScope[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  token: string;
}

async function createToken(app: App, user: TestUser, body: object): Promise<Created> {
  const res = await app.inject({ method: 'POST', url: `${API}/tokens`, headers: user.headers, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data as Created;
}

/** Every operation of the OpenAPI document under /api/v1 (method, a concrete URL). */
function apiOperations(app: App): Array<{ method: string; url: string; path: string }> {
  const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const out: Array<{ method: string; url: string; path: string }> = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of Object.keys(ops)) {
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      out.push({ method: method.toUpperCase(), url, path });
    }
  }
  return out;
}

describe.each(drivers())('personal API tokens on %s', (driver) => {
  let ctx: TestContext;
  let owner: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
    owner = await createUser(ctx.platform);
  }, 180_000);
  afterAll(async () => ctx?.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  const tasksRead = (secret: string) =>
    ctx.app.inject({ method: 'GET', url: `${API}/tasks`, headers: asToken(secret) });

  it('creates a token (201, Location, the secret once), lists it without the secret, stores only its hash', async () => {
    const expiresAt = new Date(Date.now() + 30 * 24 * HOUR).toISOString();
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${API}/tokens`,
      headers: owner.headers,
      payload: { name: '  CI script ', scopes: ['tasks:read', 'tasks:write'], expiresAt },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json().data as Created;
    expect(res.headers.location).toBe(`${API}/tokens/${created.id}`);
    expect(created).toMatchObject({ name: 'CI script', scopes: ['tasks:read', 'tasks:write'], lastUsedAt: null });
    expect(created.expiresAt).toBe(expiresAt);
    expect(created.token).toMatch(/^ptt_[A-Za-z0-9_-]{43}$/);

    const list = await ctx.app.inject({ method: 'GET', url: `${API}/tokens`, headers: owner.headers });
    expect(list.statusCode).toBe(200);
    const listed = list.json().data as Array<Record<string, unknown>>;
    const mine = listed.find((t) => t.id === created.id);
    expect(mine).toBeDefined();
    expect(Object.keys(mine ?? {}).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'scopes']);
    expect(list.body).not.toContain(created.token);
    expect(list.body).not.toContain(created.token.slice(4));

    // The database never holds the secret: its row (every column, as text) has the SHA-256 and no part of it.
    const rows = await ctx.database.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(sha256(created.token));
    const asText = JSON.stringify(rows);
    expect(asText).not.toContain(created.token.slice(4, 20));
    // …and the audit log has the event without it.
    const audit = await ctx.database.db.select().from(auditEvents).where(eq(auditEvents.userId, owner.id));
    const createdEvent = audit.find((e) => e.type === 'token.created');
    expect(createdEvent?.details).toMatchObject({ tokenId: created.id, scopes: ['tasks:read', 'tasks:write'] });
    expect(JSON.stringify(audit)).not.toContain(created.token.slice(4, 20));

    // The token works as the user.
    const used = await tasksRead(created.token);
    expect(used.statusCode).toBe(200);
  });

  it('refuses bad input with 400: name, scopes (unknown, empty, duplicated), expiry (past, beyond a year), extras', async () => {
    const year = 366 * 24 * HOUR;
    for (const payload of [
      { name: '', scopes: ['tasks:read'] },
      { name: 'x'.repeat(101), scopes: ['tasks:read'] },
      { name: 'n', scopes: [] },
      { name: 'n', scopes: ['tasks:admin'] },
      { name: 'n', scopes: ['tasks:read', 'tasks:read'] },
      { name: 'n', scopes: ['tasks:read'], expiresAt: new Date(Date.now() - 60_000).toISOString() },
      { name: 'n', scopes: ['tasks:read'], expiresAt: new Date(Date.now() + year + HOUR).toISOString() },
      { name: 'n', scopes: ['tasks:read'], expiresAt: '2030-02-31T10:00:00Z' },
      { name: 'n', scopes: ['tasks:read'], token: 'ptt_chosen' },
      { scopes: ['tasks:read'] },
    ]) {
      const res = await ctx.app.inject({ method: 'POST', url: `${API}/tokens`, headers: owner.headers, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    // No expiry at all is allowed (expiresAt null).
    const forever = await createToken(ctx.app, owner, { name: 'no expiry', scopes: ['tasks:read'] });
    expect(forever.expiresAt).toBeNull();
  });

  it('scope matrix: each scope alone against a read and a write route of tasks (and of projects when present)', async () => {
    const user = await createUser(ctx.platform);
    const routes: Array<{ method: 'GET' | 'POST'; url: string; needs: TokenScope; payload?: object }> = [
      { method: 'GET', url: `${API}/tasks`, needs: 'tasks:read' },
      { method: 'POST', url: `${API}/tasks`, needs: 'tasks:write', payload: { title: 'from a token' } },
    ];
    if (ctx.app.hasRoute({ method: 'POST', url: `${API}/tasks/parse` })) {
      // A POST that changes nothing: the table's one read-only exception.
      routes.push({ method: 'POST', url: `${API}/tasks/parse`, needs: 'tasks:read', payload: { text: 'call Ana' } });
    }
    if (ctx.app.hasRoute({ method: 'GET', url: `${API}/projects` })) {
      routes.push({ method: 'GET', url: `${API}/projects`, needs: 'projects:read' });
    }
    if (ctx.app.hasRoute({ method: 'POST', url: `${API}/projects` })) {
      routes.push({
        method: 'POST',
        url: `${API}/projects`,
        needs: 'projects:write',
        payload: { name: 'From a token' },
      });
    }
    let checked = 0;
    for (const scope of TOKEN_SCOPES) {
      const { token } = await createToken(ctx.app, user, { name: scope, scopes: [scope] });
      for (const r of routes) {
        const res = await ctx.app.inject({ method: r.method, url: r.url, headers: asToken(token), payload: r.payload });
        const label = `${scope} → ${r.method} ${r.url}`;
        if (scope === r.needs) {
          expect(res.statusCode, `${label}: ${res.body}`).toBeLessThan(300);
        } else {
          expect(res.statusCode, label).toBe(403);
          expect(res.json().code, label).toBe('FORBIDDEN');
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    // The task created with tasks:write belongs to the token's user.
    const list = await ctx.app.inject({ method: 'GET', url: `${API}/tasks`, headers: user.headers });
    expect(list.json().data.map((t: { title: string }) => t.title)).toContain('from a token');
  });

  it('default deny: every /auth, /users, /tokens, /admin, /events route (every route outside tasks and projects) answers 403 to a token with all scopes', async () => {
    const admin = await createUser(ctx.platform, { role: 'admin' });
    const { token } = await createToken(ctx.app, admin, { name: 'all', scopes: [...TOKEN_SCOPES] });
    const ops = apiOperations(ctx.app).filter((o) => !/^\/api\/v1\/(tasks|projects)(\/|$)/.test(o.path));
    const families = new Set(ops.map((o) => o.path.split('/')[3]));
    for (const family of ['auth', 'users', 'tokens', 'admin', 'events']) expect(families).toContain(family);
    for (const op of ops) {
      const res = await ctx.app.inject({
        method: op.method as 'GET',
        url: op.url,
        headers: { ...asToken(token), 'content-type': 'application/json' },
        payload: op.method === 'GET' || op.method === 'HEAD' ? undefined : '{}',
      });
      expect(res.statusCode, `${op.method} ${op.url}: ${res.body}`).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    expect(ops.length).toBeGreaterThan(20);
    // The admin's session still reaches them (the refusal is the token's, not the routes').
    const sessions = await ctx.app.inject({ method: 'GET', url: `${API}/auth/sessions`, headers: admin.headers });
    expect(sessions.statusCode).toBe(200);
    const viaToken = await ctx.app.inject({ method: 'GET', url: `${API}/auth/sessions`, headers: asToken(token) });
    expect(viaToken.statusCode).toBe(403);
    // Unknown routes stay 404 for a token, as for anyone.
    const unknown = await ctx.app.inject({ method: 'GET', url: `${API}/nope`, headers: asToken(token) });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses an unknown token and an expired one with 401 UNAUTHENTICATED', async () => {
    const unknown = await tasksRead(`ptt_${randomBytes(32).toString('base64url')}`);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('UNAUTHENTICATED');

    const created = await createToken(ctx.app, owner, {
      name: 'short',
      scopes: ['tasks:read'],
      expiresAt: new Date(Date.now() + HOUR).toISOString(),
    });
    expect((await tasksRead(created.token)).statusCode).toBe(200);
    // An hour later (the clock moved by hand, so no waiting): refused, with the answer cached or not.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + HOUR + 1000);
    const expired = await tasksRead(created.token);
    expect(expired.statusCode).toBe(401);
    expect(['UNAUTHENTICATED', 'TOKEN_EXPIRED']).toContain(expired.json().code);
    expect(expired.json().detail).toMatch(/expired/i);
  });

  it('revocation: 204, refused at once (401), gone from the list, audited; another user cannot revoke it (404)', async () => {
    const other = await createUser(ctx.platform);
    const created = await createToken(ctx.app, owner, { name: 'to revoke', scopes: ['tasks:read'] });
    expect((await tasksRead(created.token)).statusCode).toBe(200); // the answer is now cached

    const foreign = await ctx.app.inject({
      method: 'DELETE',
      url: `${API}/tokens/${created.id}`,
      headers: other.headers,
    });
    expect(foreign.statusCode).toBe(404);
    expect((await tasksRead(created.token)).statusCode).toBe(200);

    // A token cannot revoke itself either (default deny).
    const self = await ctx.app.inject({
      method: 'DELETE',
      url: `${API}/tokens/${created.id}`,
      headers: asToken(created.token),
    });
    expect(self.statusCode).toBe(403);

    const del = await ctx.app.inject({ method: 'DELETE', url: `${API}/tokens/${created.id}`, headers: owner.headers });
    expect(del.statusCode).toBe(204);
    const after = await tasksRead(created.token);
    expect(after.statusCode).toBe(401);
    const list = await ctx.app.inject({ method: 'GET', url: `${API}/tokens`, headers: owner.headers });
    expect(list.json().data.map((t: { id: string }) => t.id)).not.toContain(created.id);
    const again = await ctx.app.inject({
      method: 'DELETE',
      url: `${API}/tokens/${created.id}`,
      headers: owner.headers,
    });
    expect(again.statusCode).toBe(404);
    const audit = await ctx.database.db.select().from(auditEvents).where(eq(auditEvents.userId, owner.id));
    expect(audit.some((e) => e.type === 'token.revoked' && e.details.tokenId === created.id)).toBe(true);
  });

  it('lastUsedAt: set on first use, not rewritten within a minute, rewritten after it', async () => {
    const created = await createToken(ctx.app, owner, { name: 'usage', scopes: ['tasks:read'] });
    const lastUsed = async () =>
      (await ctx.database.db.select().from(apiTokens).where(eq(apiTokens.id, created.id)))[0]?.lastUsedAt ?? null;
    expect(await lastUsed()).toBeNull();
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    expect((await tasksRead(created.token)).statusCode).toBe(200);
    const first = await lastUsed();
    expect(first?.getTime()).toBe(t0);
    for (let i = 1; i <= 5; i++) {
      vi.setSystemTime(t0 + i * 10_000); // up to 50 s later
      expect((await tasksRead(created.token)).statusCode).toBe(200);
    }
    expect((await lastUsed())?.getTime()).toBe(t0);
    vi.setSystemTime(t0 + 61_000);
    expect((await tasksRead(created.token)).statusCode).toBe(200);
    expect((await lastUsed())?.getTime()).toBe(t0 + 61_000);
    const list = await ctx.app.inject({ method: 'GET', url: `${API}/tokens`, headers: owner.headers });
    const listed = list.json().data.find((t: { id: string }) => t.id === created.id);
    expect(listed.lastUsedAt).toBe(new Date(t0 + 61_000).toISOString());
  });

  it(`limits each user to ${TOKENS_PER_USER_MAX} tokens (409 beyond), also when created concurrently`, async () => {
    const user = await createUser(ctx.platform);
    const results = await Promise.all(
      Array.from({ length: TOKENS_PER_USER_MAX + 5 }, (_, i) =>
        ctx.app.inject({
          method: 'POST',
          url: `${API}/tokens`,
          headers: user.headers,
          payload: { name: `t${i}`, scopes: ['tasks:read'] },
        }),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(TOKENS_PER_USER_MAX);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    const list = await ctx.app.inject({ method: 'GET', url: `${API}/tokens`, headers: user.headers });
    expect(list.json().data).toHaveLength(TOKENS_PER_USER_MAX);
    // Another user is not affected.
    await createToken(ctx.app, owner, { name: 'still fine', scopes: ['tasks:read'] });
  });

  it('refuses a token of a disabled account (401) once the cached answer (≤ 1 s) is gone', async () => {
    const user = await createUser(ctx.platform);
    const created = await createToken(ctx.app, user, { name: 'd', scopes: ['tasks:read'] });
    expect((await tasksRead(created.token)).statusCode).toBe(200);
    await ctx.database.db.update(users).set({ isActive: false }).where(eq(users.id, user.id));
    await new Promise((r) => setTimeout(r, 1050)); // the guard's cached answer lives at most 1 s
    expect((await tasksRead(created.token)).statusCode).toBe(401);
  });
});

describe.each(drivers())('API tokens and the per-user rate limit on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver, { config: { rateLimit: { apiMax: 6 } as never } });
  }, 180_000);
  afterAll(async () => ctx?.close());

  it("a token's calls count against its user's limit (one key for both), refused ones included", async () => {
    const user = await createUser(ctx.platform);
    const { token } = await createToken(ctx.app, user, { name: 'rl', scopes: ['tasks:read'] }); // 1
    const get = (headers: Record<string, string>, url = `${API}/tasks`) =>
      ctx.app.inject({ method: 'GET', url, headers });
    expect((await get(user.headers)).statusCode).toBe(200); // 2
    expect((await get(asToken(token))).statusCode).toBe(200); // 3
    expect((await get(asToken(token), `${API}/auth/sessions`)).statusCode).toBe(403); // 4
    expect((await get(user.headers)).statusCode).toBe(200); // 5
    const sixth = await get(asToken(token));
    expect(sixth.statusCode).toBe(200); // 6
    expect(sixth.headers['ratelimit-remaining']).toBe('0');
    const seventh = await get(asToken(token));
    expect(seventh.statusCode).toBe(429);
    expect((await get(user.headers)).statusCode).toBe(429);
  });
});

describe.each(drivers())('planted fault: a route with no scope declared, on %s', (driver) => {
  let app: App;
  let close: () => Promise<void>;
  let user: TestUser;
  beforeAll(async () => {
    const config = testConfig();
    const { database, drop } = await openTestDatabase(driver);
    const platform = testPlatform(config, database);
    app = await buildApp(platform, { modules: composeModules(platform) });
    // Two routes added after the fact, as a new module would: one outside the scope table, one inside it.
    const handler = async () => ({ success: true, data: 'reached' });
    app.get('/api/v1/planted', { onRequest: app.requireAuth }, handler);
    app.get('/api/v1/tasks-probe/planted', { onRequest: app.requireAuth }, handler);
    app.get('/api/v1/tasks/planted-probe', { onRequest: app.requireAuth }, handler);
    await app.ready();
    user = await createUser(platform);
    close = async () => {
      await app.close();
      await drop();
    };
  }, 180_000);
  afterAll(async () => close?.());

  it('is refused to a token with every scope (403), reached by the session; a route the table covers is reached', async () => {
    const { token } = await createToken(app, user, { name: 'all', scopes: [...TOKEN_SCOPES] });
    for (const url of ['/api/v1/planted', '/api/v1/tasks-probe/planted']) {
      const viaToken = await app.inject({ method: 'GET', url, headers: asToken(token) });
      expect(viaToken.statusCode, url).toBe(403);
      expect(viaToken.json().code).toBe('FORBIDDEN');
      const viaSession = await app.inject({ method: 'GET', url, headers: user.headers });
      expect(viaSession.statusCode, url).toBe(200);
    }
    // Positive control: under /tasks the same kind of route is open to tasks:read.
    const covered = await app.inject({ method: 'GET', url: '/api/v1/tasks/planted-probe', headers: asToken(token) });
    expect(covered.statusCode).toBe(200);
    expect(covered.json().data).toBe('reached');
  });
});
