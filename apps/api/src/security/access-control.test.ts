/**
 * Access control (quality.md "Access control"; security-tests.md S10, S11).
 * - BOLA matrix generated from the OpenAPI route table: every route with an {id} under /tasks and /auth/sessions,
 *   plus bulk, export and import, run as user B against user A's ids → 404 (bulk: affected 0), with a positive
 *   control (the same request on B's own resource succeeds) and A's rows unchanged (DB snapshot before/after).
 * - Admin routes as a normal user → 403, nothing changed.
 * - Mass assignment: each write schema of the document with an extra field (userId, id, createdAt, role, isAdmin,
 *   emailVerified, version, completedAt) → 400 VALIDATION_FAILED naming the field and no row changed anywhere, with
 *   a positive control: the same body without the field is accepted (2xx) by every route.
 */
import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailer } from '../infra/mail/mailer';
import { seedTask } from '../modules/tasks/index';
import { sampleSubscriptionBody, testVapidKeys } from '../test/push-receiver';
import { createTestContext, drivers, RATE_LIMITS_OFF, type TestContext } from '../test/context';
import { createUser, type TestUser } from '../test/factories';
import { SoftAuthenticator } from '../test/soft-authenticator';
import { type JsonSchema, type Operation, operationsOf } from './openapi-arbitraries';
import { snapshotUser, tableCounts } from './snapshot';

const EXTRA_FIELDS: Record<string, unknown> = {
  userId: '00000000-0000-4000-8000-000000000001',
  id: '00000000-0000-4000-8000-000000000002',
  createdAt: '2020-01-01T00:00:00Z',
  role: 'admin',
  isAdmin: true,
  emailVerified: true,
  version: 99,
  completedAt: '2020-01-01T00:00:00Z',
};

/** A body the schema accepts: every simple property filled with a plain value. */
const NAMES_ANOTHER_RESOURCE = new Set(['projectId', 'assigneeId', 'parentId', 'before', 'after', 'position']);
/** Optional fields whose parts must agree (a recurrence: a valid RRULE, count or until): left out like those. */
const NEEDS_COHERENT_VALUE = new Set(['recurrence']);

/**
 * Write routes the mass-assignment matrix has no fixture for yet: their strict schemas are still checked by the
 * contract test's "bad body" calls. An entry that is not a write route of the document fails the test, so the
 * list can only shrink. The eleven second-round routes have their fixtures in `fixture()` below; what is left are
 * routes that arrived after it (webhooks need a project hook and a target address). Passkey bodies are real
 * WebAuthn objects from a software authenticator (test/soft-authenticator.ts).
 */
const AWAITING_FIXTURES = new Set<string>([
  'POST /api/v1/projects/{id}/webhooks',
  'PATCH /api/v1/projects/{id}/webhooks/{hookId}',
]);

function goodBody(s: JsonSchema | undefined): unknown {
  if (!s) return undefined;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return goodBody(alts.find((a) => a.type !== 'null') ?? alts[0]);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'date-time') return '2031-01-02T03:04:05Z';
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000009';
      if (s.format === 'email') return 'someone@example.test';
      return 'access control check';
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries(
        Object.entries(s.properties ?? {})
          // Fields that name another resource (a project, a member, a neighbour task) need a real one: a made-up
          // id is refused before the route's own check. Left out unless the schema requires them.
          .filter(
            ([k]) => !(NAMES_ANOTHER_RESOURCE.has(k) || NEEDS_COHERENT_VALUE.has(k)) || (s.required ?? []).includes(k),
          )
          .map(([k, v]) => [k, goodBody(v)]),
      );
    default:
      return null;
  }
}

const bearer = (u: TestUser) => u.headers;
const GOOD_PASSWORD = 'violet staple orbit lantern';
const NEW_PASSWORD = 'amber quiet harbour kettle';

for (const driver of drivers()) {
  describe(`access control (${driver})`, () => {
    let ctx: TestContext;
    let ops: Operation[];
    let a: TestUser;
    let b: TestUser;
    let aTasks: string[];
    const mailer = new MemoryMailer();

    beforeAll(async () => {
      ctx = await createTestContext(driver, {
        // Push on (VAPID keys): POST /push/subscriptions is one of the write schemas checked below.
        config: { rateLimit: RATE_LIMITS_OFF, push: { vapid: testVapidKeys(), allowPrivate: false, timeoutMs: 1000 } },
        overrides: { mailer },
      });
      ops = operationsOf((await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json());
      a = await createUser(ctx.platform, { name: 'Alice' });
      b = await createUser(ctx.platform, { name: 'Bob' });
      aTasks = [];
      for (let i = 0; i < 3; i++) {
        aTasks.push((await seedTask(ctx.database.db, a.id, { title: `alice secret ${i}`, tags: ['alice'] })).id);
      }
    }, 180_000);
    afterAll(async () => {
      await ctx?.close();
    });

    /** The token a mail to `email` carries in its `path?token=` link. */
    const mailedToken = (email: string, path: string) => {
      const text = mailer.last(email)?.text ?? '';
      const token = new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(text)?.[1];
      if (!token) throw new Error(`no ${path} link mailed to ${email}`);
      return token;
    };

    /**
     * A body `op` accepts from a fresh caller: goodBody's plain values, with the live ones the route checks (the
     * caller's own email, password and refresh token, a mailed reset or verification token, a real time zone, the
     * caller's own task), fields filled by name so a new route joins without a case of its own.
     */
    async function acceptedBody(op: Operation) {
      const isAdmin = op.path.startsWith('/api/v1/admin');
      const needsUnverified = op.path.endsWith('/verify-email');
      const caller = await createUser(ctx.platform, {
        role: isAdmin ? 'admin' : 'user',
        ...(needsUnverified ? { emailVerified: false } : {}),
      });
      const target = isAdmin ? (await createUser(ctx.platform)).id : (await seedTask(ctx.database.db, caller.id)).id;
      const body = { ...(goodBody(op.body?.['application/json']) as Record<string, unknown>) };
      const signsIn = /\/auth\/(login|forgot-password)$/.test(op.path);
      const setsPassword = /\/auth\/(register|reset-password)$/.test(op.path);
      for (const key of Object.keys(body)) {
        if (key === 'email') body.email = signsIn ? caller.email : `mass-${randomUUID()}@example.test`;
        if (key === 'password') body.password = setsPassword ? NEW_PASSWORD : caller.password;
        if (key === 'currentPassword') body.currentPassword = caller.password;
        if (key === 'newPassword') body.newPassword = NEW_PASSWORD;
        if (key === 'refreshToken') body.refreshToken = caller.refreshToken;
        if (key === 'timezone') body.timezone = 'Europe/Paris';
        if (key === 'ids') body.ids = [target];
        if (key === 'query' && op.path === '/api/v1/views') body.query = 'status=pending';
      }
      if (op.path === '/api/v1/push/subscriptions') {
        const sub = sampleSubscriptionBody();
        body.endpoint = sub.endpoint;
        body.keys = sub.keys;
      }
      if (op.path.endsWith('/reset-password')) {
        await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/forgot-password', payload: { email: caller.email } });
        await ctx.modules.auth.credentials.settled();
        body.token = mailedToken(caller.email, '/reset-password');
      }
      if (needsUnverified) {
        const sent = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/resend-verification',
          headers: bearer(caller),
        });
        expect(sent.statusCode).toBe(202);
        await ctx.modules.auth.credentials.settled();
        body.token = mailedToken(caller.email, '/verify-email');
      }
      const url = await fixture(op, caller, body);
      return { caller, url: url ?? op.path.replace('{id}', target), body };
    }

    const call = async (user: TestUser | null, method: string, url: string, payload?: object) => {
      const res = await ctx.app.inject({
        method: method as 'POST',
        url,
        headers: user ? bearer(user) : {},
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.statusCode === 204 ? null : res.json().data;
    };

    /** A project of `owner` (created through the API). */
    const projectOf = async (owner: TestUser) =>
      (await call(owner, 'POST', '/api/v1/projects', { name: 'fixture' })).id as string;

    /** `invitee` invited to `projectId` by `owner`; the mailed token. */
    const invite = async (owner: TestUser, projectId: string, invitee: TestUser) => {
      await call(owner, 'POST', `/api/v1/projects/${projectId}/invitations`, { email: invitee.email, role: 'editor' });
      return mailedToken(invitee.email, '/invitations');
    };

    /** A passkey registered for `user` with a software authenticator (which can then sign in with it). */
    const addPasskey = async (user: TestUser) => {
      const authn = new SoftAuthenticator(ctx.config.webauthn.rpId, ctx.config.webauthn.origins[0] ?? '');
      const options = await call(user, 'POST', '/api/v1/auth/passkeys/options');
      const passkey = await call(user, 'POST', '/api/v1/auth/passkeys', { credential: authn.create(options) });
      return { authn, passkey: passkey as { id: string } };
    };

    /** TOTP on for `user`: its secret and when its confirming code's step was spent. */
    const enableTotp = async (user: TestUser) => {
      const { secret } = await call(user, 'POST', '/api/v1/auth/mfa/totp');
      await call(user, 'POST', '/api/v1/auth/mfa/totp/confirm', { code: await generate({ secret }) });
      return { secret: secret as string, spentAt: Math.floor(Date.now() / 1000) };
    };
    /**
     * Bodies carrying a TOTP code: made again right before the positive control sends them (the matrix may run
     * longer than a code lives), from a step after the one already spent.
     */
    const totpBodies = new WeakMap<object, { secret: string; spentAt?: number }>();
    const now = () => Math.floor(Date.now() / 1000);
    const freshCode = ({ secret, spentAt }: { secret: string; spentAt?: number }) =>
      generate({ secret, epoch: spentAt === undefined ? now() : Math.max(now(), spentAt + 30) });
    const refreshCode = async (body: Record<string, unknown>) => {
      const live = totpBodies.get(body);
      if (live) body.code = await freshCode(live);
    };

    /**
     * The live state a second-round write route needs from its caller (a project, a member, a comment, a view, a
     * pending TOTP secret, a sign-in challenge), set in `body`; the URL when the route names that state.
     */
    async function fixture(op: Operation, caller: TestUser, body: Record<string, unknown>) {
      const route = `${op.method} ${op.path}`;
      if ('color' in body) body.color = '#336699';
      switch (route) {
        case 'POST /api/v1/tokens':
          body.scopes = ['tasks:read'];
          body.expiresAt = new Date(Date.now() + 86_400_000).toISOString();
          return undefined;
        case 'PATCH /api/v1/projects/{id}':
          return op.path.replace('{id}', await projectOf(caller));
        case 'POST /api/v1/projects/{id}/invitations':
          return op.path.replace('{id}', await projectOf(caller));
        case 'PATCH /api/v1/projects/{id}/members/{userId}': {
          const projectId = await projectOf(caller);
          const member = await createUser(ctx.platform);
          await call(member, 'POST', '/api/v1/invitations/accept', { token: await invite(caller, projectId, member) });
          return op.path.replace('{id}', projectId).replace('{userId}', member.id);
        }
        case 'POST /api/v1/invitations/accept': {
          const owner = await createUser(ctx.platform);
          body.token = await invite(owner, await projectOf(owner), caller);
          return undefined;
        }
        case 'PATCH /api/v1/tasks/{id}/comments/{commentId}': {
          const taskId = (await seedTask(ctx.database.db, caller.id)).id;
          const comment = await call(caller, 'POST', `/api/v1/tasks/${taskId}/comments`, { body: 'first words' });
          return op.path.replace('{id}', taskId).replace('{commentId}', comment.id);
        }
        case 'PATCH /api/v1/views/{id}': {
          const view = await call(caller, 'POST', '/api/v1/views', { name: 'fixture', query: 'status=pending' });
          body.query = 'status=completed';
          return op.path.replace('{id}', view.id);
        }
        case 'POST /api/v1/auth/mfa/totp/confirm': {
          const { secret } = await call(caller, 'POST', '/api/v1/auth/mfa/totp');
          totpBodies.set(body, { secret });
          body.code = await freshCode({ secret });
          return undefined;
        }
        case 'DELETE /api/v1/auth/mfa/totp': {
          const live = await enableTotp(caller);
          totpBodies.set(body, live);
          body.password = caller.password;
          body.code = await freshCode(live);
          return undefined;
        }
        case 'POST /api/v1/auth/mfa/verify': {
          const live = await enableTotp(caller);
          totpBodies.set(body, live);
          const login = await ctx.app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email: caller.email, password: caller.password },
          });
          body.challenge = login.json().data.challenge;
          body.code = await freshCode(live);
          delete body.recoveryCode;
          return undefined;
        }
        case 'POST /api/v1/auth/passkeys': {
          const authn = new SoftAuthenticator(ctx.config.webauthn.rpId, ctx.config.webauthn.origins[0] ?? '');
          body.credential = authn.create(await call(caller, 'POST', '/api/v1/auth/passkeys/options'));
          body.name = 'fixture';
          return undefined;
        }
        case 'PATCH /api/v1/auth/passkeys/{id}': {
          const { passkey } = await addPasskey(caller);
          body.name = 'renamed';
          return op.path.replace('{id}', passkey.id);
        }
        case 'POST /api/v1/auth/passkeys/login/options':
          delete body.mfaChallenge;
          return undefined;
        case 'POST /api/v1/auth/passkeys/login': {
          const { authn } = await addPasskey(caller);
          body.credential = authn.get(await call(null, 'POST', '/api/v1/auth/passkeys/login/options', {}));
          return undefined;
        }
        default:
          return undefined;
      }
    }

    /** Every route with an {id} under /tasks or /auth/sessions (new routes join the matrix automatically). */
    // A route with a second id (a task's comment) is covered by its own matrix (comments.test.ts).
    const idRoutes = () =>
      ops.filter(
        (op) =>
          /^\/api\/v1\/(tasks|auth\/sessions)\/.*\{id\}/.test(op.path) &&
          !/\{(?!id\})\w+\}/.test(op.path) &&
          op.method !== 'HEAD',
      );

    it('the matrix covers every id route of the document', () => {
      const names = idRoutes().map((op) => `${op.method} ${op.path}`);
      expect(names).toEqual(
        expect.arrayContaining([
          'GET /api/v1/tasks/{id}',
          'PATCH /api/v1/tasks/{id}',
          'PUT /api/v1/tasks/{id}',
          'DELETE /api/v1/tasks/{id}',
          'GET /api/v1/tasks/{id}/history',
          'DELETE /api/v1/auth/sessions/{id}',
        ]),
      );
    });

    it("B gets 404 on every id route for A's resources (and 2xx on B's own); A's rows unchanged", async () => {
      const before = await snapshotUser(ctx.platform, a.id);
      const results: string[] = [];
      for (const op of idRoutes()) {
        const isSession = op.path.startsWith('/api/v1/auth/sessions');
        const body = op.body?.['application/json'] ? goodBody(op.body['application/json']) : undefined;
        const send = (user: TestUser, id: string) =>
          ctx.app.inject({
            method: op.method as 'GET',
            url: op.path.replace('{id}', id),
            headers: bearer(user),
            ...(body !== undefined ? { payload: body as object } : {}),
          });
        for (const targetId of isSession ? [a.sessionId] : aTasks) {
          const res = await send(b, targetId);
          results.push(`${op.method} ${op.path} → ${res.statusCode}`);
          expect(res.statusCode, `${op.method} ${op.path} as B on A's id`).toBe(404);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.json().code).toBe('NOT_FOUND');
          // A 404 for a foreign id must not differ from a 404 for an id that does not exist (no existence oracle).
          const missing = await send(b, '00000000-0000-4000-8000-00000000dead');
          expect(missing.statusCode).toBe(404);
          expect(res.json().detail).toBe(missing.json().detail);
        }
        // Positive control: the same request on B's own task works, so the 404 above is ownership, not input.
        if (!isSession) {
          // Only a recurring task can be skipped.
          const recurring = op.path.endsWith('/skip')
            ? { dueDate: new Date('2031-01-06T09:00:00Z'), recurrence: { rule: 'FREQ=WEEKLY', mode: 'due' as const } }
            : {};
          const own = (await seedTask(ctx.database.db, b.id, recurring)).id;
          if (op.path.endsWith('/restore')) {
            // Only a deleted task can be restored.
            const gone = await ctx.app.inject({ method: 'DELETE', url: `/api/v1/tasks/${own}`, headers: bearer(b) });
            expect(gone.statusCode).toBe(204);
          }
          const ok = await send(b, own);
          expect(ok.statusCode, `${op.method} ${op.path} as B on B's own id`).toBeLessThan(300);
        }
      }
      // Control for the sessions route: deleting one's own session is 204.
      const bOther = await createUser(ctx.platform);
      const delOwn = await ctx.app.inject({
        method: 'DELETE',
        url: `/api/v1/auth/sessions/${bOther.sessionId}`,
        headers: bearer(bOther),
      });
      expect(delOwn.statusCode).toBe(204);
      expect(results.length).toBeGreaterThanOrEqual(13);
      expect(await snapshotUser(ctx.platform, a.id)).toBe(before);
      // A's session still works after B's attempt to delete it.
      expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(a) })).statusCode).toBe(
        200,
      );
    });

    it("bulk update/delete with A's ids as B → affected 0, A unchanged", async () => {
      const before = await snapshotUser(ctx.platform, a.id);
      for (const payload of [
        { action: 'update', ids: aTasks, patch: { title: 'pwned', status: 'completed' } },
        { action: 'delete', ids: aTasks },
      ]) {
        const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/tasks/bulk', headers: bearer(b), payload });
        expect(res.statusCode).toBe(200);
        expect(res.json().data.affected).toBe(0);
      }
      // Mixed: B's own id among A's → only B's counts.
      const mine = await seedTask(ctx.database.db, b.id);
      const mixed = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/tasks/bulk',
        headers: bearer(b),
        payload: { action: 'update', ids: [...aTasks, mine.id], patch: { priority: 'urgent' } },
      });
      expect(mixed.json().data.affected).toBe(1);
      expect(await snapshotUser(ctx.platform, a.id)).toBe(before);
    });

    it("B's list, search, export and stats never contain A's tasks; B's import cannot write into A", async () => {
      const before = await snapshotUser(ctx.platform, a.id);
      const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks?q=alice&limit=100', headers: bearer(b) });
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain('alice secret');
      const byTag = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks?tag=alice', headers: bearer(b) });
      expect(byTag.json().data).toEqual([]);
      for (const format of ['json', 'csv']) {
        const exp = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/tasks/export?format=${format}`,
          headers: bearer(b),
        });
        expect(exp.statusCode).toBe(200);
        expect(exp.body).not.toContain('alice secret');
        for (const id of aTasks) expect(exp.body).not.toContain(id);
      }
      const imp = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/tasks/import',
        headers: bearer(b),
        payload: [
          { title: 'import with a foreign id', id: aTasks[0], version: 7 },
          { title: 'import with userId', userId: a.id },
        ],
      });
      expect(imp.statusCode).toBe(200);
      expect(imp.json().data.imported).toBe(1);
      expect(imp.json().data.failed).toHaveLength(1);
      expect(await snapshotUser(ctx.platform, a.id)).toBe(before);
      const got = await ctx.app.inject({ method: 'GET', url: `/api/v1/tasks/${aTasks[0]}`, headers: bearer(a) });
      expect(got.json().data.title).toBe('alice secret 0');
    });

    it('admin routes as a normal user → 403 FORBIDDEN, nothing changed', async () => {
      const adminOps = ops.filter((op) => op.path.startsWith('/api/v1/admin'));
      expect(adminOps.length).toBeGreaterThanOrEqual(3);
      const before = await snapshotUser(ctx.platform, a.id);
      for (const op of adminOps) {
        const body = op.body?.['application/json'] ? { role: 'admin', isActive: false } : undefined;
        const res = await ctx.app.inject({
          method: op.method as 'GET',
          url: op.path.replace('{id}', a.id),
          headers: bearer(b),
          ...(body ? { payload: body } : {}),
        });
        expect(res.statusCode, `${op.method} ${op.path}`).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
        const anon = await ctx.app.inject({ method: op.method as 'GET', url: op.path.replace('{id}', a.id) });
        expect(anon.statusCode).toBe(401);
      }
      expect(await snapshotUser(ctx.platform, a.id)).toBe(before);
    });

    it('mass assignment: every write schema with an extra field → 400 naming it, no row changed; without it → 2xx', async () => {
      const writes = ops.filter(
        (op) =>
          op.body?.['application/json'] &&
          op.path.startsWith('/api/v1/') &&
          // import rows are checked one by one (see the import test above)
          !op.path.endsWith('/import') &&
          !AWAITING_FIXTURES.has(`${op.method} ${op.path}`) &&
          !Array.isArray(goodBody(op.body['application/json'])),
      );
      expect(writes.length).toBeGreaterThanOrEqual(14);
      const writeRoutes = new Set(
        ops.filter((op) => op.body?.['application/json']).map((op) => `${op.method} ${op.path}`),
      );
      expect([...AWAITING_FIXTURES].filter((k) => !writeRoutes.has(k))).toEqual([]);
      // One fresh caller (and task, or admin target) per route, and a body that route accepts from that caller: the
      // positive control below proves every 400 is the extra field's doing, not a base body refused anyway.
      const cases = [];
      for (const op of writes) cases.push({ op, ...(await acceptedBody(op)) });
      const counts = await tableCounts(ctx.platform);
      const snaps = await Promise.all(
        [a.id, b.id, ...cases.map((c) => c.caller.id)].map((id) => snapshotUser(ctx.platform, id)),
      );
      let checked = 0;
      for (const { op, caller, url, body } of cases) {
        const schema = op.body?.['application/json'];
        for (const [field, value] of Object.entries(EXTRA_FIELDS)) {
          if (schema?.properties && field in schema.properties) continue; // a field this route may write (admin: role)
          const payload = { ...body, [field]: value };
          const res = await ctx.app.inject({ method: op.method as 'POST', url, headers: bearer(caller), payload });
          expect(res.statusCode, `${op.method} ${op.path} with ${field}`).toBe(400);
          expect(res.json().code).toBe('VALIDATION_FAILED');
          expect(JSON.stringify(res.json().errors), `${op.method} ${op.path}: the error names ${field}`).toContain(
            field,
          );
          checked++;
        }
        // Nested: the bulk patch is a write schema of its own.
        if (op.path.endsWith('/tasks/bulk')) {
          for (const field of Object.keys(EXTRA_FIELDS)) {
            const patch = { ...(body.patch as object), [field]: EXTRA_FIELDS[field] };
            const res = await ctx.app.inject({
              method: 'POST',
              url,
              headers: bearer(caller),
              payload: { ...body, patch },
            });
            expect(res.statusCode, `bulk patch with ${field}`).toBe(400);
            expect(JSON.stringify(res.json().errors)).toContain(field);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThanOrEqual(100);
      // Register with role admin creates nobody.
      const reg = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { name: 'Mallory', email: 'mallory@example.test', password: GOOD_PASSWORD, role: 'admin' },
      });
      expect(reg.statusCode).toBe(400);
      expect(await tableCounts(ctx.platform)).toEqual(counts);
      const after = await Promise.all(
        [a.id, b.id, ...cases.map((c) => c.caller.id)].map((id) => snapshotUser(ctx.platform, id)),
      );
      expect(after).toEqual(snaps);

      // Positive control: the same bodies without the extra field are accepted.
      const control: string[] = [];
      for (const { op, caller, url, body } of cases) {
        await refreshCode(body);
        const res = await ctx.app.inject({ method: op.method as 'POST', url, headers: bearer(caller), payload: body });
        control.push(`${op.method} ${op.path} → ${res.statusCode}${res.statusCode >= 300 ? ` ${res.body}` : ''}`);
      }
      expect(control.filter((line) => !/ → 2\d\d$/.test(line))).toEqual([]);
      expect(control).toHaveLength(cases.length);
    });
  });
}
