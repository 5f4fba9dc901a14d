/**
 * Webhooks (issue 18 item 4) on every driver, against a local receiver (node:http on 127.0.0.1) that verifies the
 * Primetrade-Signature: CRUD and the owner-only matrix (editor/viewer 403, non-member 404), the secret shown once
 * and stored sealed, deliveries written from the task outbox relay, signed (a planted wrong secret fails the
 * check), in order per task even across a failed attempt, the receiver down for a while then up (delivered after
 * retries on a fake clock; given up after the window), redelivery by hand, the delivery log, private targets
 * refused at create and at delivery time when private targets are not allowed, a DNS-rebinding name refused, and
 * comment and project deliveries written in the change's own transaction (rolled back with it; present on commit).
 *
 * The app's own dispatcher never runs here (its queue drops the kicks): each test drives a dispatcher built with
 * the test's clock, resolver and WEBHOOK_ALLOW_PRIVATE, over the same database and cipher.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { webhookCipher } from '../../composition';
import type { JobQueue } from '../../infra/queue/queue';
import { testConfig } from '../../config';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import type { FieldCipher } from '../../infra/crypto/field-cipher';
import { EventBus, type EventSink } from '../../infra/events';
import { createCommentsModule } from '../comments';
import { createWebhooksModule, isPrivateAddress, type Resolver, reencryptWebhookSecrets } from './index';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const API = '/api/v1';
const PUBLIC_URL = 'https://93.184.216.34/hooks/primetrade';

/** A queue that takes jobs and runs none (the tests dispatch by hand). */
const idleQueue: JobQueue = {
  kind: 'inprocess',
  add: async () => {},
  register: () => {},
  schedule: async () => {},
  counts: async () => ({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 }),
  failed: async () => [],
  close: async () => {},
};

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; event: string; projectId: string; data: { id?: string; title?: string } };
}

/** The receiver: records every request; answers 503 while `down`. */
async function startReceiver() {
  const got: Received[] = [];
  const state = { down: false, failNext: 0, connections: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      got.push({ headers: req.headers, body, json: JSON.parse(body) });
      if (state.down || state.failNext > 0) {
        state.failNext = Math.max(0, state.failNext - 1);
        res.writeHead(503, { 'content-type': 'text/plain' }).end(`maintenance ${'x'.repeat(3000)}`);
      } else res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  // Every TCP connection, even one that never becomes an HTTP request (a TLS hello to this plain-http server).
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    got,
    state,
    port,
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** What a receiver does with Primetrade-Signature: recompute HMAC-SHA256(secret, "<t>.<body>"). */
function verify(secret: string, header: string | string[] | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header ?? ''));
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2] as string, 'hex'));
}

describe('the private-address check', () => {
  it('refuses private, loopback, link-local, unique-local, multicast, mapped; lets public ones through', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:8.8.8.8',
      '64:ff9b::7f00:1',
      'not-an-ip',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::200e'])
      expect(isPrivateAddress(a), a).toBe(false);
  });
});

describe.each(drivers())('webhooks on %s', (driver) => {
  let ctx: TestContext;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let nowMs = Date.now();
  const clock = () => new Date(nowMs);

  beforeAll(async () => {
    // WEBHOOK_ALLOW_PRIVATE=false (the default): the HTTP routes refuse private targets.
    ctx = await createTestContext(driver, { overrides: { queue: idleQueue } });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await receiver?.close();
    await ctx?.close();
  });

  /** A webhooks module over the app's database and cipher, with this test's clock, resolver and settings. */
  const testModule = (
    opts: {
      allowPrivate?: boolean;
      resolver?: Resolver;
      retry?: { base: number; max: number; window: number };
      cipher?: FieldCipher;
    } = {},
  ) =>
    createWebhooksModule({
      db: ctx.database.db,
      cipher: opts.cipher ?? webhookCipher(ctx.platform),
      policy: ctx.modules.projects.policy,
      config: {
        ...ctx.config.webhooks,
        allowPrivate: opts.allowPrivate ?? true,
        retryBaseMs: opts.retry?.base ?? 1000,
        retryMaxMs: opts.retry?.max ?? 60_000,
        retryWindowMs: opts.retry?.window ?? 86_400_000,
        connectTimeoutMs: 500,
        timeoutMs: 3000,
      },
      ...(opts.resolver ? { resolver: opts.resolver } : {}),
      clock,
    });

  const req = (user: TestUser | null, method: string, url: string, payload?: unknown) =>
    ctx.app.inject({
      method: method as 'GET',
      url: `${API}${url}`,
      headers: user ? user.headers : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const publish = async () => {
    ctx.modules.tasks.relay.kick();
    await ctx.modules.tasks.relay.idle();
    sync();
  };

  async function team() {
    const [owner, editor, viewer, outsider] = await Promise.all(
      Array.from({ length: 4 }, () => createUser(ctx.platform)),
    );
    const projectId = (await req(owner as TestUser, 'POST', '/projects', { name: 'Hooks' })).json().data.id as string;
    await ctx.database.db.transaction(async (tx) => {
      await ctx.modules.projects.service.addMember(tx, projectId, (editor as TestUser).id, 'editor');
      await ctx.modules.projects.service.addMember(tx, projectId, (viewer as TestUser).id, 'viewer');
    });
    return {
      owner: owner as TestUser,
      editor: editor as TestUser,
      viewer: viewer as TestUser,
      outsider: outsider as TestUser,
      projectId,
    };
  }

  /**
   * A project whose owner has a webhook to a receiver of its own (created with private targets allowed). The
   * fake clock catches up with real time (the deliveries are written at real time).
   */
  async function hooked(events: string[] = ['task.created', 'task.updated', 'task.deleted']) {
    const t = await team();
    const m = testModule();
    const rx = await startReceiver();
    receivers.push(rx);
    const hook = await m.service!.create(t.owner.id, t.projectId, { url: rx.url, events: events as never });
    return { ...t, hook, m, rx };
  }
  const receivers: Array<Awaited<ReturnType<typeof startReceiver>>> = [];
  /** The fake clock back to real time (new deliveries are written at real time). */
  const sync = () => {
    nowMs = Date.now();
  };

  it('CRUD for the owner; the secret once and sealed; editor/viewer 403, non-member 404 on every route', async () => {
    const { owner, editor, viewer, outsider, projectId } = await team();
    const created = await req(owner, 'POST', `/projects/${projectId}/webhooks`, {
      url: PUBLIC_URL,
      events: ['task.created', 'comment.created'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const hook = created.json().data;
    expect(hook).toMatchObject({
      projectId,
      url: PUBLIC_URL,
      events: ['task.created', 'comment.created'],
      active: true,
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(created.headers.location).toBe(`/api/v1/projects/${projectId}/webhooks/${hook.id}`);
    // Stored sealed: the row holds an envelope, never the secret.
    const stored = (
      (await ctx.database.db.execute(sql`select secret_enc from webhooks where id = ${hook.id}::uuid`)) as unknown as {
        rows: Array<{ secret_enc: string }>;
      }
    ).rows[0]?.secret_enc;
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(hook.secret);

    const list = await req(owner, 'GET', `/projects/${projectId}/webhooks`);
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toHaveLength(1);
    expect(list.json().data[0].secret).toBeUndefined();
    expect(list.body).not.toContain(hook.secret);

    const patched = await req(owner, 'PATCH', `/projects/${projectId}/webhooks/${hook.id}`, {
      events: ['task.deleted'],
      active: false,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().data).toMatchObject({ events: ['task.deleted'], active: false });
    expect((await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data).toEqual([]);

    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/projects/${projectId}/webhooks`],
      ['POST', `/projects/${projectId}/webhooks`, { url: PUBLIC_URL, events: ['task.created'] }],
      ['PATCH', `/projects/${projectId}/webhooks/${hook.id}`, { active: true }],
      ['DELETE', `/projects/${projectId}/webhooks/${hook.id}`],
      ['GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`],
      ['POST', `/projects/${projectId}/webhooks/${hook.id}/deliveries/${hook.id}/redeliver`],
    ];
    for (const [method, url, body] of routes) {
      expect((await req(editor, method, url, body)).statusCode, `editor ${method} ${url}`).toBe(403);
      expect((await req(viewer, method, url, body)).statusCode, `viewer ${method} ${url}`).toBe(403);
      expect((await req(outsider, method, url, body)).statusCode, `outsider ${method} ${url}`).toBe(404);
      expect((await req(null, method, url, body)).statusCode, `anonymous ${method} ${url}`).toBe(401);
    }
    // Nothing changed by those attempts.
    expect((await req(owner, 'GET', `/projects/${projectId}/webhooks`)).json().data).toMatchObject([
      { id: hook.id, active: false },
    ]);
    // Another project's owner cannot reach this hook through their own project.
    const other = await team();
    expect((await req(other.owner, 'PATCH', `/projects/${other.projectId}/webhooks/${hook.id}`, {})).statusCode).toBe(
      400,
    );
    expect(
      (await req(other.owner, 'PATCH', `/projects/${other.projectId}/webhooks/${hook.id}`, { active: true }))
        .statusCode,
    ).toBe(404);
    expect((await req(owner, 'DELETE', `/projects/${projectId}/webhooks/${hook.id}`)).statusCode).toBe(204);
    expect((await req(owner, 'DELETE', `/projects/${projectId}/webhooks/${hook.id}`)).statusCode).toBe(404);

    // Every change is in the owner's audit log (a webhook sends the project's data out), never the secret; the
    // refused attempts above left nothing.
    const audit = (await req(owner, 'GET', '/users/me/audit')).json().data as Array<{
      type: string;
      details: Record<string, unknown>;
    }>;
    const hookEvents = audit.filter((e) => e.type.startsWith('project.webhook.')).reverse();
    expect(hookEvents.map((e) => e.type)).toEqual([
      'project.webhook.created',
      'project.webhook.updated',
      'project.webhook.deleted',
    ]);
    expect(hookEvents[1]?.details).toMatchObject({
      projectId,
      webhookId: hook.id,
      events: ['task.deleted'],
      active: false,
    });
    expect(JSON.stringify(audit)).not.toContain(hook.secret);
  });

  it('refuses private, loopback, link-local and plain-http targets at create when private targets are not allowed', async () => {
    const { owner, projectId } = await team();
    for (const url of [
      'https://127.0.0.1/hook',
      'https://10.0.0.8/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[fd00::1]/hook',
      'http://93.184.216.34/hook',
      'https://user:pw@93.184.216.34/hook',
      'ftp://93.184.216.34/hook',
      receiver.url,
    ]) {
      const res = await req(owner, 'POST', `/projects/${projectId}/webhooks`, { url, events: ['task.created'] });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().errors?.[0]?.path).toBe('url');
    }
    const ok = await req(owner, 'POST', `/projects/${projectId}/webhooks`, {
      url: PUBLIC_URL,
      events: ['task.created'],
    });
    expect(ok.statusCode).toBe(201);
    // Changing the URL to a private one is refused the same way.
    const patch = await req(owner, 'PATCH', `/projects/${projectId}/webhooks/${ok.json().data.id}`, {
      url: 'https://192.168.0.10/x',
    });
    expect(patch.statusCode).toBe(400);
    // Bad events and sizes are 400 too.
    for (const body of [
      { url: PUBLIC_URL, events: [] },
      { url: PUBLIC_URL, events: ['task.exploded'] },
      { url: PUBLIC_URL, events: ['task.created', 'task.created'] },
      { url: `${PUBLIC_URL}/${'a'.repeat(2100)}`, events: ['task.created'] },
      { url: PUBLIC_URL, events: ['task.created'], extra: 1 },
    ])
      expect((await req(owner, 'POST', `/projects/${projectId}/webhooks`, body)).statusCode).toBe(400);
  });

  it('delivers task events signed with the secret (a planted wrong secret fails the check), in order per task', async () => {
    const { owner, projectId, hook, rx } = await hooked();
    // A long first backoff: the held-back updates cannot become due by real time passing under load.
    const m = testModule({ retry: { base: 60_000, max: 600_000, window: 86_400_000 } });
    const task = (await req(owner, 'POST', '/tasks', { title: 'first', projectId })).json().data;
    await publish();
    // The first attempt of task.created fails: the updates that follow must wait for it.
    rx.state.failNext = 1;
    await m.dispatcher.drain();
    expect(rx.got.map((g) => g.json.event)).toEqual(['task.created']);
    for (const title of ['second', 'third', 'fourth']) {
      const res = await req(owner, 'PATCH', `/tasks/${task.id}`, { title });
      expect(res.statusCode, res.body).toBe(200);
    }
    await publish();
    await m.dispatcher.drain(); // the created one is not due yet: nothing of this task goes out
    expect(rx.got).toHaveLength(1);
    nowMs += 60_000;
    await m.dispatcher.drain();
    expect(rx.got.map((g) => `${g.json.event}:${g.json.data.title}`)).toEqual([
      'task.created:first',
      'task.created:first',
      'task.updated:second',
      'task.updated:third',
      'task.updated:fourth',
    ]);
    for (const g of rx.got) {
      expect(verify(hook.secret, g.headers['primetrade-signature'], g.body)).toBe(true);
      // A planted wrong secret (and a changed body) fail the same check.
      expect(verify(`${hook.secret}x`, g.headers['primetrade-signature'], g.body)).toBe(false);
      expect(verify(hook.secret, g.headers['primetrade-signature'], `${g.body} `)).toBe(false);
      expect(g.headers['primetrade-event']).toBe(g.json.event);
      expect(g.headers['content-type']).toBe('application/json');
      expect(g.json.projectId).toBe(projectId);
      const [, t] = /^t=(\d+),/.exec(String(g.headers['primetrade-signature'])) ?? [];
      // t is the attempt's own time (the fake clock), in seconds.
      expect(Number(t)).toBeGreaterThan(Date.now() / 1000 - 600);
      expect(Number(t)).toBeLessThanOrEqual(Math.ceil(nowMs / 1000));
    }
    // The retried attempt carried the same event (same id, same bytes).
    expect(rx.got[0]?.body).toBe(rx.got[1]?.body);
    // Deleting the task delivers task.deleted with its id.
    expect((await req(owner, 'DELETE', `/tasks/${task.id}`)).statusCode).toBe(204);
    await publish();
    await m.dispatcher.drain();
    expect(rx.got.at(-1)?.json).toMatchObject({ event: 'task.deleted', data: { id: task.id } });
  });

  it('comment and project events are delivered too (written in their transaction), in order with the task', async () => {
    const { owner, editor, projectId, hook, m, rx } = await hooked([
      'task.created',
      'comment.created',
      'project.updated',
    ]);
    const task = (await req(owner, 'POST', '/tasks', { title: 'talk', projectId })).json().data;
    await publish();
    const comment = await req(editor, 'POST', `/tasks/${task.id}/comments`, { body: 'hello hooks' });
    expect(comment.statusCode, comment.body).toBe(201);
    expect((await req(owner, 'PATCH', `/projects/${projectId}`, { name: 'Hooks renamed' })).statusCode).toBe(200);
    const log = async () =>
      (await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data;
    await vi.waitFor(async () => expect(await log()).toHaveLength(3), { timeout: 10_000, interval: 50 });
    sync();
    await m.dispatcher.drain();
    // In order per task (the task's two events); the project's own event is ordered only with the project's.
    const events = rx.got.map((g) => g.json.event);
    expect([...events].sort()).toEqual(['comment.created', 'project.updated', 'task.created']);
    expect(events.filter((e) => e !== 'project.updated')).toEqual(['task.created', 'comment.created']);
    expect(rx.got.find((g) => g.json.event === 'comment.created')?.json.data).toMatchObject({
      taskId: task.id,
      body: 'hello hooks',
    });
  });

  it("a comment's delivery is written in the comment's transaction: rolled back with it, committed with it", async () => {
    const { owner, editor, projectId, hook, m } = await hooked(['comment.created', 'project.member.removed']);
    const task = (await req(owner, 'POST', '/tasks', { title: 'atomic', projectId })).json().data;
    const log = async () =>
      (await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data as Array<{
        event: string;
      }>;
    const comments = async () => (await req(owner, 'GET', `/tasks/${task.id}/comments`)).json().data as unknown[];
    // A planted failure after the enqueue: the comment's transaction rolls back, and its delivery row with it.
    let wrote = 0;
    const failing: EventSink = {
      write: async (tx, events) => {
        wrote = await m.eventSink.write(tx, events);
        throw new Error('planted failure after the enqueue');
      },
      committed: () => {},
    };
    const planted = createCommentsModule({
      db: ctx.database.db,
      policy: ctx.modules.projects.policy,
      events: new EventBus(),
      sink: failing,
    });
    await expect(planted.service.create(editor.id, task.id, 'never')).rejects.toThrow('planted failure');
    expect(wrote).toBe(1);
    expect(await comments()).toHaveLength(0);
    expect(await log()).toHaveLength(0);

    // The app's comment create: the row is there as soon as the answer is (no bus, no wait) — a crash right after
    // the commit loses nothing. The app's bus has no webhook listener at all.
    const created = await req(editor, 'POST', `/tasks/${task.id}/comments`, { body: 'kept' });
    expect(created.statusCode, created.body).toBe(201);
    expect((await log()).map((d) => d.event)).toEqual(['comment.created']);
    // The check can fail: a comments module without the sink writes no delivery (what an after-commit bus write
    // that never ran looks like).
    const unsunk = createCommentsModule({
      db: ctx.database.db,
      policy: ctx.modules.projects.policy,
      events: new EventBus(),
    });
    await unsunk.service.create(editor.id, task.id, 'no sink');
    expect(await comments()).toHaveLength(2);
    expect(await log()).toHaveLength(1);

    // A project event the same way: the member's removal answers with its delivery already written, once.
    const gone = await req(owner, 'DELETE', `/projects/${projectId}/members/${editor.id}`);
    expect(gone.statusCode, gone.body).toBe(204);
    expect((await log()).map((d) => d.event).sort()).toEqual(['comment.created', 'project.member.removed']);
  });

  it('key rotation: reencrypt moves the sealed secret to the new key, and deliveries still verify', async () => {
    const { owner, projectId, hook, rx } = await hooked(['task.created']);
    const rotated = webhookCipher({
      config: { ...ctx.config, fieldEncryptionKeys: `k2:${randomBytes(32).toString('base64')}` },
      mailJobKey: ctx.platform.mailJobKey,
    });
    const moved = await reencryptWebhookSecrets(ctx.database.db, rotated);
    expect(moved.reencrypted).toBeGreaterThanOrEqual(1);
    const stored = (
      (await ctx.database.db.execute(sql`select secret_enc from webhooks where id = ${hook.id}::uuid`)) as unknown as {
        rows: Array<{ secret_enc: string }>;
      }
    ).rows[0]?.secret_enc;
    expect(stored).toMatch(/^v1\.k2\./);
    expect((await reencryptWebhookSecrets(ctx.database.db, rotated)).reencrypted).toBe(0); // idempotent
    await req(owner, 'POST', '/tasks', { title: 'after rotation', projectId });
    await publish();
    await testModule({ cipher: rotated }).dispatcher.drain();
    expect(rx.got).toHaveLength(1);
    expect(verify(hook.secret, rx.got[0]?.headers['primetrade-signature'], rx.got[0]?.body ?? '')).toBe(true);
  });

  it('the receiver down for a while, then up: delivered after retries with backoff; the delivery log shows it', async () => {
    const { owner, projectId, hook, m, rx } = await hooked(['task.created']);
    rx.state.down = true;
    await req(owner, 'POST', '/tasks', { title: 'while down', projectId });
    // Not subscribed: task.updated makes no delivery.
    await publish();
    await m.dispatcher.drain();
    await m.dispatcher.drain(); // not due again yet
    const log = async () =>
      (await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data;
    let [d] = await log();
    expect(d).toMatchObject({ event: 'task.created', status: 'pending', attempts: 1, responseStatus: 503 });
    expect(d.error).toBe('HTTP 503');
    expect(d.responseBody.startsWith('maintenance x')).toBe(true);
    expect(Buffer.byteLength(d.responseBody)).toBeLessThanOrEqual(1024);
    expect(Date.parse(d.nextAttemptAt) - nowMs).toBe(1000);
    nowMs += 1000;
    await m.dispatcher.drain();
    [d] = await log();
    expect(d).toMatchObject({ status: 'pending', attempts: 2 });
    expect(Date.parse(d.nextAttemptAt) - nowMs).toBe(2000); // doubled
    rx.state.down = false;
    nowMs += 2000;
    await m.dispatcher.drain();
    [d] = await log();
    expect(d).toMatchObject({
      status: 'delivered',
      attempts: 3,
      responseStatus: 200,
      responseBody: 'thanks',
      error: null,
    });
    expect(d.responseMs).toBeGreaterThanOrEqual(0);
    expect(d.deliveredAt).not.toBeNull();
    expect(d.nextAttemptAt).toBeNull();
    expect(rx.got).toHaveLength(3);
    expect(new Set(rx.got.map((g) => g.json.id)).size).toBe(1);
  });

  it('gives up after the retry window: the delivery is marked failed', async () => {
    const { owner, projectId, hook, rx } = await hooked(['task.created']);
    const m = testModule({ retry: { base: 1000, max: 60_000, window: 5000 } });
    rx.state.down = true;
    await req(owner, 'POST', '/tasks', { title: 'never', projectId });
    await publish();
    for (let i = 0; i < 6; i++) {
      await m.dispatcher.drain();
      nowMs += 1000;
    }
    rx.state.down = false;
    const [d] = (await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data;
    // Attempts at +0, +1 s, +3 s; the next (+7 s) would fall outside the 5 s window.
    expect(d).toMatchObject({ status: 'failed', attempts: 3, responseStatus: 503 });
    expect(rx.got).toHaveLength(3);
  });

  it('redelivery by hand: a new delivery of the same event, answered 202, logged next to the original', async () => {
    const { owner, editor, projectId, hook, m, rx } = await hooked(['task.created']);
    await req(owner, 'POST', '/tasks', { title: 'again', projectId });
    await publish();
    await m.dispatcher.drain();
    const [first] = (await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data;
    expect(first.status).toBe('delivered');
    const url = `/projects/${projectId}/webhooks/${hook.id}/deliveries/${first.id}/redeliver`;
    expect((await req(editor, 'POST', url)).statusCode).toBe(403);
    const again = await req(owner, 'POST', url);
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json().data).toMatchObject({ status: 'pending', attempts: 0, event: 'task.created' });
    expect(again.json().data.id).not.toBe(first.id);
    sync();
    await m.dispatcher.drain();
    expect(rx.got).toHaveLength(2);
    expect(rx.got[1]?.body).toBe(rx.got[0]?.body);
    expect(rx.got[1]?.headers['primetrade-delivery']).toBe(again.json().data.id);
    expect(verify(hook.secret, rx.got[1]?.headers['primetrade-signature'], rx.got[1]?.body ?? '')).toBe(true);
    const log = (await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data;
    expect(log.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered']);
    expect(
      (await req(owner, 'POST', `/projects/${projectId}/webhooks/${hook.id}/deliveries/${hook.id}/redeliver`))
        .statusCode,
    ).toBe(404);
  });

  it('a private target is refused at delivery time when private targets are not allowed', async () => {
    const { owner, projectId, hook, rx } = await hooked(['task.created']);
    await req(owner, 'POST', '/tasks', { title: 'to loopback', projectId });
    await publish();
    const strict = testModule({ allowPrivate: false });
    await strict.dispatcher.drain();
    expect(rx.got).toHaveLength(0);
    const [d] = (await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data;
    expect(d).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null });
    expect(d.error).toMatch(/^refused: /);
    // The same delivery goes out where private targets are allowed (the check, not the receiver, refused it).
    nowMs += 1000;
    await testModule().dispatcher.drain();
    expect(rx.got).toHaveLength(1);
  });

  it('a DNS-rebinding name (public at the check, 127.0.0.1 next) never reaches the loopback receiver', async () => {
    const { owner, projectId } = await team();
    // Answers a public address on the first lookup, 127.0.0.1 on every later one.
    let lookups = 0;
    const rebinding: Resolver = async () => {
      lookups += 1;
      return lookups === 1 ? [{ address: '192.0.2.10', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    };
    const strict = testModule({ allowPrivate: false, resolver: rebinding });
    // `localhost`: the system resolver answers 127.0.0.1, so a transport that looked the name up again at connect
    // time (instead of using the checked address) would reach the receiver — the planted fault this can catch.
    const url = `https://localhost:${receiver.port}/hook`;
    const connectionsBefore = receiver.state.connections;
    const hook = await strict.service!.create(owner.id, projectId, { url, events: ['task.created'] });
    expect(lookups).toBe(1); // the create-time check saw the public address and accepted it
    receiver.got.length = 0;
    await req(owner, 'POST', '/tasks', { title: 'rebound', projectId });
    await publish();
    await strict.dispatcher.drain();
    expect(receiver.got).toHaveLength(0);
    const [d] = (await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data;
    expect(d.error).toMatch(/^refused: .*127\.0\.0\.1/);

    // Pinning: a lookup that answers public for the check, then 127.0.0.1 — the connection goes to the checked
    // public address (unreachable here: 192.0.2.0/24 is TEST-NET-1), never to a second lookup's answer.
    let calls = 0;
    const flip: Resolver = async () => {
      calls += 1;
      return calls % 2 === 1 ? [{ address: '192.0.2.10', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    };
    const pinned = testModule({ allowPrivate: false, resolver: flip });
    nowMs += 1000;
    await pinned.dispatcher.drain();
    expect(calls).toBe(1); // one lookup per attempt: the connect reused the checked address
    expect(receiver.got).toHaveLength(0);
    expect(receiver.state.connections).toBe(connectionsBefore); // not even a TCP connection to 127.0.0.1
    const [d2] = (await req(owner, 'GET', `/projects/${projectId}/webhooks/${hook.id}/deliveries`)).json().data;
    expect(d2.attempts).toBe(2);
    expect(d2.error).not.toMatch(/^refused/);
    expect(d2.responseStatus).toBeNull();
    // The planted fault a second lookup would have been: it answers the loopback receiver.
    expect((await flip('localhost'))[0]?.address).toBe('127.0.0.1');
    // A lookup that never answers refuses the target after the lookup timeout (the connect timeout, 500 ms here).
    const silent = testModule({ allowPrivate: false, resolver: () => new Promise(() => {}) });
    await expect(
      silent.service!.create(owner.id, projectId, { url: 'https://silent.example/hook', events: ['task.created'] }),
    ).rejects.toMatchObject({ status: 400 });
    // A name with any private address among its answers is refused at create.
    const mixed = testModule({
      allowPrivate: false,
      resolver: async () => [
        { address: '192.0.2.10', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    await expect(
      mixed.service!.create(owner.id, projectId, { url: 'https://mixed.example/hook', events: ['task.created'] }),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe.each(drivers())('webhooks through the app on %s', (driver) => {
  // The production wiring: the outbox relay's sink writes the deliveries, its commit queues webhooks.dispatch on the
  // in-process queue, whose job signs and sends them — no hand-driven dispatcher.
  let ctx: TestContext;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    const base = testConfig();
    ctx = await createTestContext(driver, { config: { webhooks: { ...base.webhooks, allowPrivate: true } } });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx?.close();
    await ctx?.close();
  });

  it('a task written through the API reaches the receiver, signed, without anyone driving the dispatcher', async () => {
    const owner = await createUser(ctx.platform);
    const h = owner.headers;
    const projectId = (
      await ctx.app.inject({ method: 'POST', url: `${API}/projects`, headers: h, payload: { name: 'Wired' } })
    ).json().data.id as string;
    const created = await ctx.app.inject({
      method: 'POST',
      url: `${API}/projects/${projectId}/webhooks`,
      headers: h,
      payload: { url: rx.url, events: ['task.created'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const secret = created.json().data.secret as string;
    await ctx.app.inject({ method: 'POST', url: `${API}/tasks`, headers: h, payload: { title: 'wired', projectId } });
    await vi.waitFor(() => expect(rx.got).toHaveLength(1), { timeout: 15_000, interval: 50 });
    expect(rx.got[0]?.json).toMatchObject({ event: 'task.created', projectId, data: { title: 'wired' } });
    expect(verify(secret, rx.got[0]?.headers['primetrade-signature'], rx.got[0]?.body ?? '')).toBe(true);
  });
});
