import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api-error';
import { closeOfflineDb } from './db';
import { taskEtag } from './etag';
import { OfflineQueue, patchAlreadyApplied, type Sender } from './queue';
import type { QueuedWrite, ReplayOutcome } from './types';

/**
 * A small task server with the API's rules that matter here: POST honours Idempotency-Key, PATCH/DELETE honour
 * If-Match (412 on a stale one), 404 for an unknown task. `lose` makes it apply the next write and then act as if
 * the answer never arrived (the network dropped).
 */
class FakeServer {
  tasks = new Map<string, Record<string, unknown> & { id: string; version: number }>();
  keys = new Map<string, string>();
  requests: Array<{ method: string; id: string; ifMatch?: string | null | undefined; key?: string | undefined }> = [];
  offline = false;
  lose = 0;
  next = 1;
  dropKeys = false; // planted fault: forget the Idempotency-Key

  etag = (t: { id: string; version: number }) => `"${t.id}:${t.version}"`;

  seed(title: string) {
    const id = `srv-${this.next++}`;
    const t = { id, title, status: 'pending', version: 1 };
    this.tasks.set(id, t);
    return t;
  }

  private apply(w: QueuedWrite): { data: unknown; etag: string | null } {
    if (w.method === 'POST') {
      const key = this.dropKeys ? undefined : w.idempotencyKey;
      const known = key ? this.keys.get(key) : undefined;
      if (known) {
        const t = this.tasks.get(known) as { id: string; version: number };
        return { data: t, etag: this.etag(t) };
      }
      if (!w.body?.title) throw new ApiError(400, 'VALIDATION_ERROR', 'Title is required');
      const t = { ...w.body, id: `srv-${this.next++}`, version: 1 };
      this.tasks.set(t.id, t);
      if (key) this.keys.set(key, t.id);
      return { data: t, etag: this.etag(t) };
    }
    const t = this.tasks.get(w.resourceId);
    if (!t) throw new ApiError(404, 'NOT_FOUND', 'Task not found');
    if (w.ifMatch && w.ifMatch !== this.etag(t)) throw new ApiError(412, 'PRECONDITION_FAILED', 'Changed');
    if (w.method === 'DELETE') {
      this.tasks.delete(t.id);
      return { data: undefined, etag: null };
    }
    const next = { ...t, ...w.body, version: t.version + 1 };
    this.tasks.set(t.id, next);
    return { data: next, etag: this.etag(next) };
  }

  send: Sender = async (w) => {
    this.requests.push({ method: w.method, id: w.resourceId, ifMatch: w.ifMatch, key: w.idempotencyKey });
    if (this.offline) throw new ApiError(0, 'NETWORK_ERROR', 'offline');
    const answer = this.apply(w);
    if (this.lose > 0) {
      this.lose -= 1;
      throw new ApiError(0, 'NETWORK_ERROR', 'answer lost');
    }
    return answer;
  };

  fetch = async (w: QueuedWrite) => {
    const t = this.tasks.get(w.resourceId);
    return t ? { data: t, etag: this.etag(t) } : null;
  };

  titles = () => [...this.tasks.values()].map((t) => t.title);
}

let server: FakeServer;
const queues: OfflineQueue[] = [];
/** A queue as a freshly loaded page would have it (same IndexedDB, nothing in memory). */
async function page(user = 'user-a') {
  const q = new OfflineQueue(server.send, server.fetch);
  queues.push(q);
  await q.setUser(user);
  return q;
}
const create = (id: string, title: string): QueuedWrite => ({
  method: 'POST',
  collection: '/tasks',
  resourceId: id,
  body: { title },
  idempotencyKey: id,
});
const patch = (id: string, body: Record<string, unknown>, ifMatch: string | null): QueuedWrite => ({
  method: 'PATCH',
  collection: '/tasks',
  resourceId: id,
  body,
  ifMatch,
});
const del = (id: string, ifMatch: string | null): QueuedWrite => ({
  method: 'DELETE',
  collection: '/tasks',
  resourceId: id,
  ifMatch,
});

beforeEach(async () => {
  await closeOfflineDb();
  globalThis.indexedDB = new IDBFactory();
  server = new FakeServer();
});
afterEach(() => {
  queues.length = 0;
});

describe('offline queue: durable and ordered', () => {
  it('keeps writes across a reload and replays them once each, in the order they were made', async () => {
    const a = server.seed('existing');
    const before = await page();
    await before.enqueue(create('local-1', 'first'));
    await before.enqueue(patch(a.id, { status: 'completed' }, server.etag(a)));
    await before.enqueue(create('local-2', 'second'));

    const after = await page(); // the page was reloaded
    expect(after.snapshot().map((e) => [e.method, e.resourceId])).toEqual([
      ['POST', 'local-1'],
      ['PATCH', a.id],
      ['POST', 'local-2'],
    ]);
    const r = await after.replay();
    expect(r).toMatchObject({ applied: 3, conflicts: 0, rejected: 0, interrupted: false });
    expect(server.requests.map((x) => `${x.method} ${x.id}`)).toEqual([
      'POST local-1',
      `PATCH ${a.id}`,
      'POST local-2',
    ]);
    expect(server.titles().sort()).toEqual(['existing', 'first', 'second']);
    expect(server.tasks.get(a.id)?.status).toBe('completed');
    expect(after.snapshot()).toEqual([]);
    expect(await (await page()).snapshot()).toEqual([]); // nothing left on disk either
  });

  it('stops when the network drops mid-replay and resumes where it stopped', async () => {
    const q = await page();
    for (let i = 0; i < 5; i++) await q.enqueue(create(`local-${i}`, `t${i}`));
    server.offline = true;
    expect(await q.replay()).toMatchObject({ applied: 0, interrupted: true });
    expect(q.snapshot()).toHaveLength(5);
    server.offline = false;
    expect(await q.replay()).toMatchObject({ applied: 5, interrupted: false });
    expect(server.titles()).toEqual(['t0', 't1', 't2', 't3', 't4']);
  });

  it('one replay at a time: a second call joins the running one', async () => {
    const q = await page();
    for (let i = 0; i < 3; i++) await q.enqueue(create(`local-${i}`, `t${i}`));
    const [r1, r2] = await Promise.all([q.replay(), q.replay()]);
    expect(r1).toBe(r2);
    expect(server.requests).toHaveLength(3);
  });
});

describe('offline queue: exactly once', () => {
  it('a create whose answer was lost is sent again with the same Idempotency-Key and exists once', async () => {
    const q = await page();
    await q.enqueue(create('local-1', 'once'));
    server.lose = 1;
    expect(await q.replay()).toMatchObject({ applied: 0, interrupted: true });
    expect(await q.replay()).toMatchObject({ applied: 1 });
    expect(server.requests.map((r) => r.key)).toEqual(['local-1', 'local-1']);
    expect(server.titles()).toEqual(['once']);
  });

  it('positive control: without the Idempotency-Key the same lost answer makes a duplicate', async () => {
    server.dropKeys = true;
    const q = await page();
    await q.enqueue(create('local-1', 'once'));
    server.lose = 1;
    await q.replay();
    await q.replay();
    expect(server.titles()).toEqual(['once', 'once']);
  });

  it('an edit whose answer was lost gets 412 on the resend and is recognised as applied (no false conflict)', async () => {
    const a = server.seed('old');
    const q = await page();
    await q.enqueue(patch(a.id, { title: 'new', tags: ['B', 'a'] }, server.etag(a)));
    server.lose = 1;
    await q.replay();
    const r = await q.replay();
    expect(r).toMatchObject({ applied: 1, conflicts: 0 });
    expect(server.tasks.get(a.id)).toMatchObject({ title: 'new', version: 2 });
  });

  it('a repeated delete whose answer was lost is done (404 means gone)', async () => {
    const a = server.seed('bye');
    const q = await page();
    await q.enqueue(del(a.id, server.etag(a)));
    server.lose = 1;
    await q.replay();
    expect(await q.replay()).toMatchObject({ applied: 1, rejected: 0 });
    expect(q.snapshot()).toEqual([]);
  });
});

describe('offline queue: folding writes to one resource', () => {
  it('an edit of a task created offline folds into its create: one POST', async () => {
    const q = await page();
    await q.enqueue(create('local-1', 'draft'));
    await q.enqueue(patch('local-1', { title: 'final', priority: 'high' }, null));
    expect(q.snapshot()).toHaveLength(1);
    await q.replay();
    expect(server.requests.map((r) => r.method)).toEqual(['POST']);
    expect([...server.tasks.values()][0]).toMatchObject({ title: 'final', priority: 'high' });
  });

  it('deleting a task created offline sends nothing at all', async () => {
    const q = await page();
    await q.enqueue(create('local-1', 'never mind'));
    await q.enqueue(patch('local-1', { title: 'x' }, null));
    await q.enqueue(del('local-1', null));
    expect(q.snapshot()).toEqual([]);
  });

  it('two edits of one task are one PATCH with the If-Match of the version they started from', async () => {
    const a = server.seed('t');
    const q = await page();
    await q.enqueue(patch(a.id, { title: 'one' }, server.etag(a)));
    await q.enqueue(patch(a.id, { status: 'completed' }, server.etag(a)));
    await q.replay();
    expect(server.requests).toEqual([{ method: 'PATCH', id: a.id, ifMatch: server.etag(a), key: undefined }]);
    expect(server.tasks.get(a.id)).toMatchObject({ title: 'one', status: 'completed', version: 2 });
  });

  it('an edit queued while the create is being sent follows it with the new id and version', async () => {
    let queuedDuringSend: Promise<void> | undefined;
    const q: OfflineQueue = new OfflineQueue(async (w) => {
      // The user edits the new task while its POST is on the wire: it cannot fold into the POST any more.
      if (w.method === 'POST') queuedDuringSend = q.enqueue(patch('local-1', { title: 'edited' }, null));
      return server.send(w);
    }, server.fetch);
    await q.setUser('user-a');
    await q.enqueue(create('local-1', 'draft'));
    await q.replay();
    await queuedDuringSend;
    await q.replay();
    const created = [...server.tasks.values()][0] as { id: string; version: number; title: string };
    expect(server.requests.map((r) => `${r.method} ${r.id}`)).toEqual(['POST local-1', `PATCH ${created.id}`]);
    expect(server.requests[1]?.ifMatch).toBe(`"${created.id}:1"`);
    expect(created).toMatchObject({ title: 'edited', version: 2 });
  });
});

describe('offline queue: conflicts and refusals', () => {
  it('a 412 keeps the write as a conflict with the server version; later writes of that task wait, others go on', async () => {
    const a = server.seed('mine');
    const b = server.seed('other');
    const q = await page();
    const outcomes: ReplayOutcome[] = [];
    q.onOutcome((o) => outcomes.push(o));
    const stale = server.etag(a);
    server.tasks.set(a.id, { ...a, title: 'changed elsewhere', version: 2 });
    await q.enqueue(patch(a.id, { status: 'completed' }, stale));
    await q.enqueue(patch(b.id, { title: 'other edited' }, server.etag(b)));
    const r = await q.replay();
    expect(r).toMatchObject({ applied: 1, conflicts: 1 });
    expect(server.tasks.get(b.id)?.title).toBe('other edited');
    const [conflict] = q.snapshot();
    expect(conflict).toMatchObject({ state: 'conflict', resourceId: a.id, body: { status: 'completed' } });
    expect(conflict?.conflict?.latest).toMatchObject({ title: 'changed elsewhere', version: 2 });
    expect(outcomes.map((o) => o.type)).toEqual(['conflict', 'applied']);
    // A later edit of the conflicted task is not sent behind the user's back.
    await q.enqueue(patch(a.id, { title: 'later' }, null));
    await q.replay();
    expect(server.tasks.get(a.id)?.title).toBe('changed elsewhere');
    // Resolving the conflict lets it go.
    await q.discard(conflict?.seq as number);
    await q.replay();
    expect(server.tasks.get(a.id)?.title).toBe('later');
  });

  it('a write the server refuses for good is dropped and reported; writes that depended on it go too', async () => {
    const q = await page();
    const outcomes: ReplayOutcome[] = [];
    q.onOutcome((o) => outcomes.push(o));
    await q.enqueue(create('local-1', ''));
    const other = server.seed('x');
    await q.enqueue(patch(other.id, { title: 'y' }, server.etag(other)));
    const r = await q.replay();
    expect(r).toMatchObject({ applied: 1, rejected: 1 });
    expect(outcomes[0]).toMatchObject({ type: 'rejected', status: 400, message: 'Title is required' });
    expect(q.snapshot()).toEqual([]);
  });
});

describe('offline queue: one user at a time', () => {
  it('shows and replays only the signed-in user’s writes; another account deletes them', async () => {
    const a = await page('user-a');
    await a.enqueue(create('local-a', 'secret of A'));
    const b = await page('user-b');
    expect(b.snapshot()).toEqual([]);
    await b.replay();
    expect(server.requests).toEqual([]);
    // A signs in again on this device: A's write is gone (B's sign-in deleted it), never replayed as B.
    const again = await page('user-a');
    expect(again.snapshot()).toEqual([]);
  });

  it('sign-out clears every queued write', async () => {
    const q = await page();
    await q.enqueue(create('local-1', 'x'));
    await q.clear();
    expect((await page()).snapshot()).toEqual([]);
  });
});

describe('helpers', () => {
  it('patchAlreadyApplied compares dates as instants and tags as sets', () => {
    expect(patchAlreadyApplied({ dueDate: '2030-01-01T10:00:00.000+02:00' }, { dueDate: '2030-01-01T08:00:00Z' })).toBe(
      true,
    );
    expect(patchAlreadyApplied({ tags: ['B', 'a'] }, { tags: ['a', 'b'] })).toBe(true);
    expect(patchAlreadyApplied({ title: 'x', status: 'completed' }, { title: 'x', status: 'pending' })).toBe(false);
  });

  it('taskEtag is the server’s ETag of an id and version (values from apps/api tasks.etag.ts etagOf)', async () => {
    const id = '5b1f7c1e-3c0a-4d7e-9a55-0c6f3b9d2a11';
    expect(await taskEtag(id, 1)).toBe('"pchzvRRPOAPzaGGZBgWmetKWCFr"');
    expect(await taskEtag(id, 7)).toBe('"GkDQUPGcylr_FP231-8DXqGtarl"');
  });
});
