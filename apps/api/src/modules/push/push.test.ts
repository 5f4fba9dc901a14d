/**
 * Web Push (issue 17 item 2), on every driver:
 * - the routes: the VAPID key, 201/200 on (re-)subscribing without duplicates, 404 for someone else's id, 400 for
 *   bad keys and non-https or private endpoints, API tokens refused, 503 while push is off;
 * - end to end against a local push service (src/test/push-receiver.ts, written from RFC 8292 and RFC 8291/8188):
 *   the VAPID JWT verifies (ES256 with k, aud = the endpoint's origin, exp ≤ 24 h, sub) and the aes128gcm body
 *   decrypts to exactly the payload sent; 404/410 delete the subscription, 500 and a timeout keep it and never
 *   throw into the caller;
 * - planted faults inside the test: a server with another VAPID key is refused by the endpoint, a signature by
 *   another key, an exp beyond 24 h and a wrong aud fail the verifier, a corrupted body or the wrong auth secret
 *   fail decryption;
 * - the SSRF guard: https and public hosts only, also at send time (a name that resolves to 127.0.0.1).
 */
import { createPrivateKey, sign } from 'node:crypto';
import { eq } from 'drizzle-orm';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushSubscriptions } from '../../infra/db/schema';
import { API } from '../../test/auth-http';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import {
  type BrowserKeys,
  browserKeys,
  decryptWebPush,
  type PushReceiver,
  startPushReceiver,
  verifyVapid,
} from '../../test/push-receiver';
import { createPushModule } from './index';
import { PushService } from './push.service';

const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@primetrade.example' };
const otherVapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@primetrade.example' };
const silentLog = { info: () => {}, warn: () => {} };

function subscriptionBody(endpoint: string, keys: BrowserKeys, label?: string) {
  return { endpoint, expirationTime: null, keys: keys.json, ...(label ? { label } : {}) };
}

const b64u = (b: Buffer) => b.toString('base64url');
/** Sign a VAPID JWT with the given key pair (to plant bad claims the library would never produce). */
function vapidHeader(keys: { publicKey: string; privateKey: string }, claims: object): string {
  const pub = Buffer.from(keys.publicKey, 'base64url');
  const key = createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: keys.privateKey,
      x: b64u(pub.subarray(1, 33)),
      y: b64u(pub.subarray(33, 65)),
    },
    format: 'jwk',
  });
  const h = b64u(Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'ES256' })));
  const c = b64u(Buffer.from(JSON.stringify(claims)));
  const s = b64u(sign('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }));
  return `vapid t=${h}.${c}.${s}, k=${keys.publicKey}`;
}

describe.each(drivers())('Web Push on %s', (driver) => {
  let ctx: TestContext;
  let off: TestContext;
  let receiver: PushReceiver;
  let alice: TestUser;
  let bob: TestUser;

  const subscribe = (user: TestUser, body: object) =>
    ctx.app.inject({ method: 'POST', url: `${API}/push/subscriptions`, headers: user.headers, payload: body });
  const rows = (userId: string) =>
    ctx.database.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));

  beforeAll(async () => {
    receiver = await startPushReceiver(vapid.publicKey);
    ctx = await createTestContext(driver, { config: { push: { vapid, allowPrivate: true, timeoutMs: 1500 } } });
    off = await createTestContext(driver);
    alice = await createUser(ctx.platform);
    bob = await createUser(ctx.platform);
  }, 180_000);
  afterAll(async () => {
    await ctx?.close();
    await off?.close();
    await receiver?.close();
  });

  describe('the routes', () => {
    it('GET /push/vapid-public-key answers the configured key (signed-in users only)', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: `${API}/push/vapid-public-key`, headers: alice.headers });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ success: true, data: { publicKey: vapid.publicKey } });
      const anon = await ctx.app.inject({ method: 'GET', url: `${API}/push/vapid-public-key` });
      expect(anon.statusCode).toBe(401);
    });

    it('POST stores a subscription (201), the same endpoint again updates it (200, same id), never duplicates', async () => {
      const keys = browserKeys();
      const endpoint = receiver.endpoint('ok', keys);
      const first = await subscribe(alice, subscriptionBody(endpoint, keys, 'Firefox on the laptop'));
      expect(first.statusCode, first.body).toBe(201);
      const created = first.json().data;
      expect(created).toEqual({
        id: expect.any(String),
        endpoint,
        label: 'Firefox on the laptop',
        createdAt: expect.any(String),
        lastSuccessAt: null,
      });
      expect(first.headers.location).toBe(`${API}/push/subscriptions/${created.id}`);

      const renewed = browserKeys();
      const again = await subscribe(alice, subscriptionBody(endpoint, renewed));
      expect(again.statusCode).toBe(200);
      expect(again.json().data.id).toBe(created.id);
      const stored = await rows(alice.id);
      expect(stored.filter((r) => r.endpoint === endpoint)).toHaveLength(1);
      expect(stored.find((r) => r.endpoint === endpoint)?.p256dh).toBe(renewed.json.p256dh);

      const list = await ctx.app.inject({ method: 'GET', url: `${API}/push/subscriptions`, headers: alice.headers });
      expect(list.json().data.map((s: { id: string }) => s.id)).toContain(created.id);
      const bobs = await ctx.app.inject({ method: 'GET', url: `${API}/push/subscriptions`, headers: bob.headers });
      expect(bobs.json().data.map((s: { id: string }) => s.id)).not.toContain(created.id);
    });

    it('DELETE: 404 for someone else’s id (the row stays), 204 for the owner, then 404', async () => {
      const keys = browserKeys();
      const res = await subscribe(alice, subscriptionBody(receiver.endpoint('ok', keys), keys));
      const id = res.json().data.id as string;
      const url = `${API}/push/subscriptions/${id}`;
      const byBob = await ctx.app.inject({ method: 'DELETE', url, headers: bob.headers });
      expect(byBob.statusCode).toBe(404);
      expect(byBob.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await rows(alice.id)).some((r) => r.id === id)).toBe(true);
      expect((await ctx.app.inject({ method: 'DELETE', url, headers: alice.headers })).statusCode).toBe(204);
      expect((await ctx.app.inject({ method: 'DELETE', url, headers: alice.headers })).statusCode).toBe(404);
      const bad = await ctx.app.inject({
        method: 'DELETE',
        url: `${API}/push/subscriptions/nope`,
        headers: alice.headers,
      });
      expect(bad.statusCode).toBe(400);
    });

    it('the same browser subscribed by another account moves to that account (no duplicate, no leak)', async () => {
      const keys = browserKeys();
      const endpoint = receiver.endpoint('ok', keys);
      const a = await subscribe(alice, subscriptionBody(endpoint, keys));
      const b = await subscribe(bob, subscriptionBody(endpoint, keys));
      expect(b.statusCode).toBe(200);
      expect(b.json().data.id).toBe(a.json().data.id);
      expect((await rows(alice.id)).some((r) => r.endpoint === endpoint)).toBe(false);
      expect((await rows(bob.id)).filter((r) => r.endpoint === endpoint)).toHaveLength(1);
      // Alice can no longer delete it by its id.
      const del = await ctx.app.inject({
        method: 'DELETE',
        url: `${API}/push/subscriptions/${a.json().data.id}`,
        headers: alice.headers,
      });
      expect(del.statusCode).toBe(404);
    });

    it('bad bodies are 400 in the problem format', async () => {
      const keys = browserKeys();
      const endpoint = receiver.endpoint('ok', keys);
      const cases: object[] = [
        {},
        { endpoint, keys: {} },
        { endpoint, keys: { p256dh: keys.json.p256dh.slice(1), auth: keys.json.auth } },
        { endpoint, keys: { p256dh: keys.json.p256dh, auth: `${keys.json.auth}AAAA` } },
        // A compressed or garbage point of the right length: not 0x04…
        { endpoint, keys: { p256dh: Buffer.alloc(65, 7).toString('base64url'), auth: keys.json.auth } },
        { endpoint: 'ftp://push.example/x', keys: keys.json },
        { endpoint: `https://push.example/${'x'.repeat(2100)}`, keys: keys.json },
      ];
      for (const body of cases) {
        const res = await subscribe(alice, body);
        expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
      }
    });

    it('a personal API token never reaches /push, whatever its scopes', async () => {
      const made = await ctx.app.inject({
        method: 'POST',
        url: `${API}/tokens`,
        headers: alice.headers,
        payload: { name: 'all scopes', scopes: ['tasks:read', 'tasks:write', 'projects:read', 'projects:write'] },
      });
      expect(made.statusCode).toBe(201);
      const headers = { authorization: `Bearer ${made.json().data.token}` };
      const keys = browserKeys();
      for (const [method, url] of [
        ['GET', `${API}/push/vapid-public-key`],
        ['GET', `${API}/push/subscriptions`],
        ['POST', `${API}/push/subscriptions`],
        ['DELETE', `${API}/push/subscriptions/00000000-0000-4000-8000-000000000000`],
      ] as const) {
        const res = await ctx.app.inject({
          method,
          url,
          headers,
          ...(method === 'POST' ? { payload: subscriptionBody(receiver.endpoint('ok', keys), keys) } : {}),
        });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
      }
    });

    it('push off (no VAPID keys): 503 SERVICE_UNAVAILABLE naming the variables, one log line, sending does nothing', async () => {
      const user = await createUser(off.platform);
      const key = await off.app.inject({ method: 'GET', url: `${API}/push/vapid-public-key`, headers: user.headers });
      expect(key.statusCode).toBe(503);
      expect(key.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(key.json().detail ?? key.json().message ?? key.body).toMatch(/VAPID_PUBLIC_KEY/);
      const keys = browserKeys();
      const post = await off.app.inject({
        method: 'POST',
        url: `${API}/push/subscriptions`,
        headers: user.headers,
        payload: subscriptionBody(receiver.endpoint('ok', keys), keys),
      });
      expect(post.statusCode).toBe(503);
      const before = receiver.received.length;
      await off.modules.push.sender.sendToUser(user.id, { title: 't', body: 'b' });
      expect(receiver.received.length).toBe(before);

      const lines: string[] = [];
      const mod = createPushModule({
        db: off.database.db,
        vapid: undefined,
        allowPrivate: false,
        timeoutMs: 1000,
        log: { info: (_o, msg) => lines.push(msg), warn: (_o, msg) => lines.push(msg) },
      });
      mod.start();
      mod.start();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/web push off.*VAPID_PUBLIC_KEY/);
    });
  });

  describe('sending, end to end against a local push service', () => {
    it('the push service verifies the VAPID JWT and decrypts exactly the payload sent', async () => {
      const user = await createUser(ctx.platform);
      const keys = browserKeys();
      const endpoint = receiver.endpoint('ok', keys);
      const sub = await subscribe(user, subscriptionBody(endpoint, keys));
      expect(sub.statusCode).toBe(201);
      const payload = {
        title: 'Pay rent — due in 15 minutes',
        body: 'Ünïcödé ✓ and a long body '.repeat(40),
        url: `${ctx.config.appUrl}/tasks/0f8fad5b-d9cb-469f-a165-70867728950e`,
        tag: 'reminder:0f8fad5b',
      };
      const started = Date.now();
      await ctx.modules.push.sender.sendToUser(user.id, payload);
      const got = receiver.received.filter((r) => endpoint.endsWith(r.path));
      expect(got).toHaveLength(1);
      const msg = got[0]!;
      expect(msg.vapid).toMatchObject({ ok: true, k: vapid.publicKey });
      expect(msg.vapid.claims?.aud).toBe(receiver.origin);
      expect(msg.vapid.claims?.sub).toBe(vapid.subject);
      expect(Number(msg.vapid.claims?.exp)).toBeLessThanOrEqual(Math.floor(started / 1000) + 24 * 3600 + 5);
      expect(msg.headers['content-encoding']).toBe('aes128gcm');
      expect(Number(msg.headers.ttl)).toBe(12 * 3600);
      expect(msg.headers.urgency).toBe('high');
      expect(msg.decryptError).toBeUndefined();
      expect(JSON.parse(msg.plaintext ?? 'null')).toEqual(payload);
      expect(msg.status).toBe(201);
      const [row] = await rows(user.id);
      expect(row?.lastSuccessAt).toBeInstanceOf(Date);

      // Planted faults, on the message the endpoint really received:
      // a corrupted body (one ciphertext byte flipped) and the wrong auth secret do not decrypt …
      const corrupted = Buffer.from(msg.body);
      corrupted[corrupted.length - 20] = (corrupted[corrupted.length - 20] ?? 0) ^ 0x01;
      expect(() => decryptWebPush(corrupted, keys)).toThrow();
      const wrongAuth = { ...keys, authSecret: Buffer.alloc(16, 9) };
      expect(() => decryptWebPush(msg.body, wrongAuth)).toThrow();
      expect(decryptWebPush(msg.body, keys).toString('utf8')).toBe(JSON.stringify(payload));
      // … a JWT checked for another origin fails aud, a signature with k swapped for another key fails, and
      // claims the library never makes (exp beyond 24 h, no sub) fail when signed with the right key.
      expect(verifyVapid(msg.headers.authorization, 'https://push.example', vapid.publicKey)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^aud/),
      });
      const t = /t=([^,\s]+)/.exec(msg.headers.authorization ?? '')?.[1];
      expect(verifyVapid(`vapid t=${t}, k=${otherVapid.publicKey}`, receiver.origin, otherVapid.publicKey)).toEqual(
        expect.objectContaining({ ok: false, reason: 'the signature does not verify with k' }),
      );
      const now = Math.floor(Date.now() / 1000);
      const long = vapidHeader(vapid, { aud: receiver.origin, exp: now + 25 * 3600, sub: vapid.subject });
      expect(verifyVapid(long, receiver.origin, vapid.publicKey).reason).toBe('exp more than 24 hours ahead');
      const noSub = vapidHeader(vapid, { aud: receiver.origin, exp: now + 3600 });
      expect(verifyVapid(noSub, receiver.origin, vapid.publicKey).reason).toMatch(/^sub/);
      const good = vapidHeader(vapid, { aud: receiver.origin, exp: now + 3600, sub: vapid.subject });
      expect(verifyVapid(good, receiver.origin, vapid.publicKey).ok).toBe(true);
    });

    it('planted fault: a server with another VAPID key is refused by the push service (403), and the caller is not thrown at', async () => {
      const user = await createUser(ctx.platform);
      const keys = browserKeys();
      const endpoint = receiver.endpoint('ok', keys);
      expect((await subscribe(user, subscriptionBody(endpoint, keys))).statusCode).toBe(201);
      const wrong = new PushService({
        db: ctx.database.db,
        vapid: otherVapid,
        allowPrivate: true,
        timeoutMs: 1500,
        resolver: async () => [],
        log: silentLog,
      });
      expect(await wrong.sendToUserDetailed(user.id, { title: 'x', body: 'y' })).toEqual(['failed']);
      const got = receiver.received.filter((r) => endpoint.endsWith(r.path));
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ status: 403, vapid: { ok: false, reason: expect.stringMatching(/^k is not/) } });
      expect(got[0]?.plaintext).toBeUndefined();
      // The subscription stays (a refused key is our fault, not a gone subscription).
      expect(await rows(user.id)).toHaveLength(1);
    });

    it('410 and 404 from the push service delete the subscription; 500 and a timeout keep it; nothing throws', async () => {
      const user = await createUser(ctx.platform);
      const k = () => browserKeys();
      const ends = {
        gone: receiver.endpoint('gone', k()),
        missing: receiver.endpoint('missing', k()),
        error: receiver.endpoint('error', k()),
        slow: receiver.endpoint('slow', k()),
        ok: receiver.endpoint('ok', k()),
      };
      for (const e of Object.values(ends)) {
        expect((await subscribe(user, subscriptionBody(e, browserKeys()))).statusCode).toBe(201);
      }
      const started = Date.now();
      const outcomes = await ctx.modules.push.service.sendToUserDetailed(user.id, { title: 'r', body: 'b' });
      const ms = Date.now() - started;
      expect(outcomes.toSorted()).toEqual(['failed', 'failed', 'gone', 'gone', 'sent']);
      // The slow endpoint never answers: the send gave up after PUSH_TIMEOUT_MS (1.5 s here).
      expect(ms).toBeGreaterThanOrEqual(1400);
      expect(ms).toBeLessThan(10_000);
      const left = (await rows(user.id)).map((r) => r.endpoint).toSorted();
      expect(left).toEqual([ends.error, ends.ok, ends.slow].toSorted());
      // sendToUser (the PushSender) resolves however the devices answer.
      await expect(ctx.modules.push.sender.sendToUser(user.id, { title: 'r', body: 'b' })).resolves.toBeUndefined();
    });

    it('a per-task reminder fired by the reminders job arrives at the device, decrypted (the composed PushSender)', async () => {
      const user = await createUser(ctx.platform);
      const keys = browserKeys();
      const endpoint = receiver.endpoint('ok', keys);
      expect((await subscribe(user, subscriptionBody(endpoint, keys))).statusCode).toBe(201);
      const fireAt = new Date(Date.now() + 1500);
      const made = await ctx.app.inject({
        method: 'POST',
        url: `${API}/tasks`,
        headers: user.headers,
        payload: {
          title: 'Water the plants',
          dueDate: new Date(Date.now() + 3_600_000).toISOString(),
          reminders: [{ at: fireAt.toISOString() }],
        },
      });
      expect(made.statusCode, made.body).toBe(201);
      const taskId = made.json().data.id as string;
      await new Promise((r) => setTimeout(r, Math.max(0, fireAt.getTime() - Date.now() + 200)));
      await ctx.modules.reminders.taskReminders.fireDue();
      const got = receiver.received.filter((r) => endpoint.endsWith(r.path));
      expect(got).toHaveLength(1);
      expect(got[0]?.vapid.ok).toBe(true);
      const payload = JSON.parse(got[0]?.plaintext ?? 'null');
      expect(payload).toMatchObject({ title: expect.stringContaining('Water the plants') });
      expect(String(payload.url)).toContain(taskId);
    });

    it('a subscription re-created while its old push was answered 410 is not deleted by that answer', async () => {
      const user = await createUser(ctx.platform);
      const keys = browserKeys();
      const endpoint = receiver.endpoint('gone', keys);
      await subscribe(user, subscriptionBody(endpoint, keys));
      const [row] = await rows(user.id);
      // The browser re-subscribed (new keys) after the stale row was read: the 410 for the old keys keeps it.
      await subscribe(user, subscriptionBody(endpoint, browserKeys()));
      const { deleteGone } = await import('./push.repo');
      expect(await deleteGone(ctx.database.db, row!.id, row!.endpoint, row!.p256dh)).toBe(false);
      expect(await rows(user.id)).toHaveLength(1);
    });
  });

  describe('push endpoints are browser-given URLs: https and public hosts only (docs/security.md)', () => {
    it('without PUSH_ALLOW_PRIVATE: http, loopback, private and link-local endpoints are 400 at subscribe time', async () => {
      const strict = new PushService({
        db: ctx.database.db,
        vapid,
        allowPrivate: false,
        timeoutMs: 1000,
        resolver: async () => [{ address: '93.184.215.14', family: 4 }],
        log: silentLog,
      });
      const keys = browserKeys();
      for (const endpoint of [
        'http://push.example/x',
        'https://127.0.0.1/x',
        'https://10.1.2.3/x',
        'https://169.254.169.254/latest',
        'https://[::1]/x',
        'https://localhost/x',
        'https://user:pw@push.example/x',
      ]) {
        await expect(
          strict.subscribe(alice.id, subscriptionBody(endpoint, keys), null),
          endpoint,
        ).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
      }
      const okay = await strict.subscribe(
        alice.id,
        subscriptionBody('https://fcm.googleapis.com/fcm/send/abc', keys),
        null,
      );
      expect(okay.created).toBe(true);
      await strict.unsubscribe(alice.id, okay.subscription.id);
    });

    it('at send time a host that resolves to a private address is refused (nothing reaches it); allowed, it is sent', async () => {
      const user = await createUser(ctx.platform);
      const keys = browserKeys();
      const path = new URL(receiver.endpoint('ok', keys)).pathname;
      const port = new URL(receiver.origin).port;
      // https would be needed in production; the name resolves to our loopback receiver.
      const rebinding = async () => [{ address: '127.0.0.1', family: 4 as const }];
      const strict = new PushService({
        db: ctx.database.db,
        vapid,
        allowPrivate: false,
        timeoutMs: 1000,
        resolver: rebinding,
        log: silentLog,
      });
      await strict.subscribe(user.id, subscriptionBody(`https://push.example:${port}${path}`, keys), null);
      const before = receiver.received.length;
      expect(await strict.sendToUserDetailed(user.id, { title: 'x', body: 'y' })).toEqual(['failed']);
      expect(receiver.received.length).toBe(before);
      // The same resolver with private targets allowed and an http endpoint: it arrives (the guard was the refusal).
      const lax = new PushService({
        db: ctx.database.db,
        vapid,
        allowPrivate: true,
        timeoutMs: 1000,
        resolver: rebinding,
        log: silentLog,
      });
      const other = await createUser(ctx.platform);
      const endpoint = `http://push.example:${port}${path}`;
      await lax.subscribe(other.id, subscriptionBody(endpoint, keys), null);
      expect(await lax.sendToUserDetailed(other.id, { title: 'x', body: 'y' })).toEqual(['failed']);
      // Connected to the pinned 127.0.0.1, but the JWT's aud is http://push.example:port, not the receiver's
      // origin: the receiver saw it and refused it.
      expect(receiver.received.length).toBe(before + 1);
      expect(receiver.received.at(-1)?.vapid.reason).toMatch(/^aud/);
    });
  });
});
