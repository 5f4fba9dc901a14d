/**
 * The outbox of writes made while offline, kept in IndexedDB so it survives a reload.
 *
 * - Order: every write gets the next auto-increment `seq`; the replay sends them one at a time in that order.
 * - Coalescing: a write to a resource whose last queued write has not started replaying folds into it (a PATCH
 *   into the POST that creates the resource or into the previous PATCH; a DELETE drops a queued POST altogether
 *   and replaces a queued PATCH, keeping the version it was based on). The server sees one request per resource
 *   and user action, never a request that depends on another that has not been sent.
 * - Exactly once: a POST carries its Idempotency-Key (the server answers a repeat with the first result); a PATCH
 *   or DELETE carries If-Match. A PATCH whose answer was lost is replayed, gets 412, and is recognised as applied
 *   when the server's version already holds every field it set; a repeated DELETE's 404 means it is done.
 * - Conflict: another 412 keeps the entry as `conflict` with the server's version, for the user to resolve; later
 *   writes to that resource wait behind it.
 * - Scope: every entry names its user; only the signed-in user's entries are shown and replayed, and switching
 *   to another account deletes the previous one's.
 * - Tabs: the replay runs inside a Web Lock (one tab at a time); a BroadcastChannel tells the other tabs to reload.
 */
import { apiFetch } from '../api-client';
import { isApiError } from '../api-error';
import { translate } from '../i18n';
import { offlineDb } from './db';
import type { QueuedWrite, QueueEntry, ReplayOutcome } from './types';

/** Sends one write; throws the ApiError of a refusal. */
export type Sender = (write: QueuedWrite) => Promise<{ data: unknown; etag: string | null }>;
/** Reads the resource's current version (after a 412). */
export type Fetcher = (write: QueuedWrite) => Promise<{ data: Record<string, unknown>; etag: string | null } | null>;

export const resourcePath = (w: QueuedWrite) =>
  w.method === 'POST' ? w.collection : `${w.collection}/${encodeURIComponent(w.resourceId)}`;

async function envelope(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  return ((await res.json()) as { data?: unknown }).data;
}

export const httpSender: Sender = async (w) => {
  const headers: Record<string, string> = {};
  if (w.idempotencyKey) headers['idempotency-key'] = w.idempotencyKey;
  if (w.ifMatch) headers['if-match'] = w.ifMatch;
  const res = await apiFetch(resourcePath(w), {
    method: w.method,
    ...(w.body !== undefined ? { json: w.body } : {}),
    headers,
  });
  return { data: await envelope(res), etag: res.headers.get('etag') };
};

export const httpFetcher: Fetcher = async (w) => {
  try {
    const res = await apiFetch(`${w.collection}/${encodeURIComponent(w.resourceId)}`);
    return { data: (await envelope(res)) as Record<string, unknown>, etag: res.headers.get('etag') };
  } catch (e) {
    if (isApiError(e) && e.status === 404) return null;
    throw e;
  }
};

/** Answers worth waiting out: no network, the server overloaded or restarting, an identical request in flight. */
function isTransient(status: number, method: QueuedWrite['method']): boolean {
  return [0, 408, 425, 429, 502, 503, 504].includes(status) || (status === 409 && method === 'POST');
}

const isoTime = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : Number.NaN);

/** Loose equality of a sent field and the stored one (dates compared as instants, tags as sets). */
function sameValue(sent: unknown, stored: unknown): boolean {
  if (sent === stored) return true;
  const a = isoTime(sent);
  if (!Number.isNaN(a)) return a === isoTime(stored);
  if (Array.isArray(sent) && Array.isArray(stored)) {
    const norm = (xs: unknown[]) => [...new Set(xs.map((x) => String(x).trim().toLowerCase()))].sort().join('\u0000');
    return norm(sent) === norm(stored);
  }
  if (typeof sent === 'string' && typeof stored === 'string') return sent.trim() === stored.trim();
  return false;
}

/** A PATCH whose every field the server's version already holds was applied (its answer was lost). */
export function patchAlreadyApplied(body: Record<string, unknown> | undefined, latest: Record<string, unknown>) {
  if (!body) return false;
  return Object.entries(body).every(([k, v]) => sameValue(v, latest[k]));
}

async function withReplayLock<T>(fn: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks?.request) {
    return navigator.locks.request('primetrade-offline-replay', { mode: 'exclusive' }, fn) as Promise<T>;
  }
  return fn();
}

export interface ReplayResult {
  applied: number;
  conflicts: number;
  rejected: number;
  /** The replay stopped on a transient failure (offline again, server unavailable): try again later. */
  interrupted: boolean;
}

const EMPTY: readonly QueueEntry[] = Object.freeze([]);

export class OfflineQueue {
  private userId: string | null = null;
  private entries: readonly QueueEntry[] = EMPTY;
  private readonly listeners = new Set<() => void>();
  private readonly outcomeListeners = new Set<(o: ReplayOutcome) => void>();
  private inflight: number | null = null;
  /** Ids the server gave resources created offline (a write made after the create was sent uses the real id). */
  private readonly renamed = new Map<string, string>();
  /** Bumped by every change made outside the replay (enqueue, discard, clear, user): the replay then re-reads. */
  private changes = 0;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<ReplayResult> | null = null;
  private replayingFlag = false;
  private readonly channel: BroadcastChannel | null;

  constructor(
    private readonly send: Sender = httpSender,
    private readonly fetchLatest: Fetcher = httpFetcher,
  ) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('primetrade-offline');
    if (this.channel) this.channel.onmessage = () => void this.reload(false);
  }

  // ---- reading (React reads these through useSyncExternalStore) ----
  readonly subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  };
  /** The signed-in user's entries in replay order (a new array after every change). */
  readonly snapshot = () => this.entries;
  readonly isReplaying = () => this.replayingFlag;
  onOutcome(fn: (o: ReplayOutcome) => void): () => void {
    this.outcomeListeners.add(fn);
    return () => {
      this.outcomeListeners.delete(fn);
    };
  }
  currentUser(): string | null {
    return this.userId;
  }

  private emit() {
    for (const fn of this.listeners) fn();
  }

  private async reload(broadcast = true): Promise<void> {
    this.changes += 1;
    const userId = this.userId;
    const rows = userId ? await (await offlineDb()).getAllFromIndex('queue', 'byUser', userId) : [];
    if (userId !== this.userId) return; // the user changed meanwhile: that reload wins
    rows.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    this.entries = rows;
    this.emit();
    if (broadcast) this.channel?.postMessage('changed');
  }

  /**
   * The signed-in user (null: nobody). Entries of any other user are deleted: a write is never replayed in, or
   * shown to, another account's session.
   */
  async setUser(userId: string | null): Promise<void> {
    if (userId === this.userId && this.entries !== EMPTY) return;
    this.userId = userId;
    if (userId) {
      const db = await offlineDb();
      const tx = db.transaction('queue', 'readwrite');
      for await (const cursor of tx.store) if (cursor.value.userId !== userId) await cursor.delete();
      await tx.done;
    }
    await this.reload(false);
  }

  /** Queue a write of the signed-in user (folding it into a queued write of the same resource where possible). */
  async enqueue(write: QueuedWrite): Promise<void> {
    const userId = this.userId;
    if (!userId) throw new Error('No signed-in user to queue a write for');
    const db = await offlineDb();
    const tx = db.transaction('queue', 'readwrite');
    const rows = await tx.store.index('byUser').getAll(userId);
    // Read inside the transaction: a create that the replay finished meanwhile has its server id by now.
    const renamed = this.renamed.get(write.resourceId);
    if (renamed) write = { ...write, resourceId: renamed };
    const mine = rows
      .filter((e) => e.resourceId === write.resourceId && e.collection === write.collection)
      .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    const last = mine.at(-1);
    const foldable = last && last.state === 'queued' && last.seq !== this.inflight && last.method !== 'DELETE';
    const entry: QueueEntry = { ...write, userId, queuedAt: new Date().toISOString(), state: 'queued' };
    if (foldable && write.method === 'PATCH') {
      await tx.store.put({ ...last, body: { ...last.body, ...write.body } });
    } else if (foldable && write.method === 'DELETE' && last.method === 'POST') {
      // Never sent: the resource disappears without the server hearing of it.
      for (const e of mine) if (e.seq !== undefined) await tx.store.delete(e.seq);
    } else if (foldable && write.method === 'DELETE') {
      await tx.store.put({ ...last, method: 'DELETE', body: undefined });
    } else {
      // Behind a write of the same resource that is being sent (or a conflict): a resource created offline has no
      // version yet, so its If-Match comes from the POST's answer at replay.
      if (write.method !== 'POST' && mine.some((e) => e.method === 'POST')) entry.ifMatch = null;
      delete entry.seq;
      await tx.store.add(entry);
    }
    await tx.done;
    await this.reload();
  }

  /** The user dealt with a conflict (reapplied the change online, or dropped it). */
  async discard(seq: number): Promise<void> {
    await (await offlineDb()).delete('queue', seq);
    await this.reload();
  }

  /** Sign-out: every queued write of every user goes. */
  async clear(): Promise<void> {
    await (await offlineDb()).clear('queue');
    this.userId = null;
    await this.reload();
  }

  private report(o: ReplayOutcome) {
    for (const fn of this.outcomeListeners) fn(o);
  }

  /** Send the signed-in user's queued writes in order; one replay at a time (also across tabs). */
  replay(): Promise<ReplayResult> {
    this.running ??= withReplayLock(() => this.drain()).finally(() => {
      this.running = null;
      this.replayingFlag = false;
      this.emit();
    });
    return this.running;
  }

  private async drain(): Promise<ReplayResult> {
    const result: ReplayResult = { applied: 0, conflicts: 0, rejected: 0, interrupted: false };
    const userId = this.userId;
    if (!userId) return result;
    const db = await offlineDb();
    let all: QueueEntry[] = [];
    let seen = -1;
    for (;;) {
      if (userId !== this.userId) break;
      // Re-read only when something else changed the queue; a sent write is dropped from the copy in memory.
      if (seen !== this.changes) {
        seen = this.changes;
        all = (await db.getAllFromIndex('queue', 'byUser', userId)).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      }
      const blocked = new Set(all.filter((e) => e.state === 'conflict').map((e) => `${e.collection}/${e.resourceId}`));
      const next = all.find((e) => e.state === 'queued' && !blocked.has(`${e.collection}/${e.resourceId}`));
      this.inflight = null;
      if (!next || next.seq === undefined) break;
      if (!this.replayingFlag) {
        this.replayingFlag = true;
        this.emit();
      }
      this.inflight = next.seq;
      let answer: { data: unknown; etag: string | null };
      try {
        answer = await this.send(next);
      } catch (e) {
        const status = isApiError(e) ? e.status : 0;
        if (isTransient(status, next.method) || status === 401) {
          result.interrupted = true;
          break;
        }
        if (status === 404 && next.method === 'DELETE') {
          answer = { data: undefined, etag: null }; // already gone: the delete is done
        } else if (status === 412) {
          const latest = await this.fetchLatest(next).catch(() => undefined);
          if (latest === undefined) {
            result.interrupted = true;
            break;
          }
          if (latest && next.method === 'PATCH' && patchAlreadyApplied(next.body, latest.data)) {
            answer = { data: latest.data, etag: latest.etag };
          } else if (latest) {
            const conflicted: QueueEntry = {
              ...next,
              state: 'conflict',
              conflict: { latest: latest.data, etag: latest.etag },
            };
            await db.put('queue', conflicted);
            result.conflicts += 1;
            await this.reload();
            this.report({ type: 'conflict', entry: conflicted });
            continue;
          } else {
            await this.reject(next, all, 404, translate('errors', 'offlineGone'));
            result.rejected += 1;
            continue;
          }
        } else {
          await this.reject(next, all, status, e instanceof Error ? e.message : translate('errors', 'offlineRefused'));
          result.rejected += 1;
          continue;
        }
      }
      // Still "in flight" until its entry is gone: a write queued meanwhile must not fold into it.
      await this.applied(next, answer);
      this.inflight = null;
      all = all.filter((e) => e.seq !== next.seq);
      result.applied += 1;
      this.report({ type: 'applied', entry: next, data: answer.data });
    }
    this.inflight = null;
    this.flushEmit();
    return result;
  }

  /** During a replay the UI hears of sent writes at most every 100 ms (not once per write). */
  private scheduleEmit() {
    this.emitTimer ??= setTimeout(() => this.flushEmit(), 100);
  }

  private flushEmit() {
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.emitTimer = null;
    this.emit();
    this.channel?.postMessage('changed');
  }

  /** Remove a sent write; later writes of the same resource take its new id and version. */
  private async applied(entry: QueueEntry, answer: { data: unknown; etag: string | null }) {
    const db = await offlineDb();
    const tx = db.transaction('queue', 'readwrite');
    await tx.store.delete(entry.seq as number);
    const created = entry.method === 'POST' ? (answer.data as { id?: unknown } | undefined)?.id : undefined;
    if (typeof created === 'string') this.renamed.set(entry.resourceId, created);
    let rewrote = false;
    const key: [string, string, string] = [entry.userId, entry.collection, entry.resourceId];
    for (const later of await tx.store.index('byResource').getAll(key)) {
      rewrote = true;
      const next = { ...later };
      if (typeof created === 'string') next.resourceId = created;
      // Based on the version this write started from (or on the not-yet-created resource): now on its result.
      if ((later.ifMatch ?? null) === (entry.method === 'POST' ? null : (entry.ifMatch ?? null))) {
        next.ifMatch = answer.etag;
      }
      await tx.store.put(next);
    }
    await tx.done;
    if (rewrote) return this.reload();
    this.entries = this.entries.filter((e) => e.seq !== entry.seq);
    this.scheduleEmit();
  }

  /** The server refused a write for good (validation, gone): drop it and the writes that depended on it. */
  private async reject(entry: QueueEntry, all: QueueEntry[], status: number, message: string) {
    const db = await offlineDb();
    const dependents = entry.method === 'POST' || entry.method === 'DELETE' || status === 404;
    for (const e of all) {
      const same = e.collection === entry.collection && e.resourceId === entry.resourceId;
      if (e.seq === entry.seq || (dependents && same && (e.seq ?? 0) > (entry.seq ?? 0))) {
        await db.delete('queue', e.seq as number);
      }
    }
    await this.reload();
    this.report({ type: 'rejected', entry, status, message });
  }
}
