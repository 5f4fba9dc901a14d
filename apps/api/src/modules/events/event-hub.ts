/**
 * Real-time fan-out of a user's task events to their open SSE streams, on every instance.
 *
 * - Without Redis: events from this process's EventBus go to this process's streams; each user keeps a small
 *   ring buffer so that Last-Event-ID can resume after a short disconnect.
 * - With Redis: each event is appended to the user's bounded Redis stream (XADD, MAXLEN ~) and published on one
 *   channel in the same Lua call; every instance (this one included) delivers what it receives on the channel.
 *   Delivery happens only on that path, so a stream never sees an event twice. If Redis is unreachable the event
 *   is retried for up to `publishRetryMs` (a Sentinel failover takes a few seconds) and only then delivered
 *   locally (degraded: other instances miss it until Redis returns). A retry of an attempt that did run (its
 *   answer lost to a timeout) does not run again: PUBLISH_SCRIPT.
 * - Failover (Redis behind Sentinel): the subscriber reconnects to the promoted master and resubscribes; events
 *   published meanwhile reached the stream but not the channel, so every open stream is then closed and the
 *   clients resume with Last-Event-ID (replayed from the stream). A replay that cannot be read closes the new
 *   stream at once (the client retries) rather than leaving a silent gap.
 * - Slow clients: a stream whose socket buffer passes `maxBufferedBytes` is closed; the browser reconnects with
 *   Last-Event-ID. Memory per stream stays bounded.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CircuitBreaker } from '../../infra/redis/client';
import type { EventBus } from '../../infra/events';

export interface HubEvent {
  id: string;
  event: string;
  data: unknown;
  /** The event's SSE frame, built once (sseFrame) and written as is to every stream it goes to. */
  frame?: string;
}

/**
 * The SSE frame of an event, built on first use and kept on the event: one event fans out to all of its users'
 * streams (P8: 500 streams per user), and serialising it once per stream cost more than writing it.
 */
export function sseFrame(e: HubEvent): string {
  e.frame ??= `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
  return e.frame;
}

export interface StreamSink {
  userId: string;
  send(e: HubEvent): void;
  close(): void;
}

interface Wire {
  u: string;
  id: string;
  e: string;
  d: unknown;
}

/**
 * Append the event to the user's stream and publish it, once. ARGV[6] names this publish: it is kept on the stream
 * entry (field p), and a retry (ARGV[7] = '1') first looks for it among the stream's retained entries. An attempt
 * whose answer was lost — the client's command timeout fired on a loaded box, after Redis had run the script —
 * is then not run a second time: without this a retry appended and published the event again, and every stream
 * got it twice (seen in CI: events.test.ts "exactly once"). The first attempt does not look: nothing can be there.
 */
const PUBLISH_SCRIPT = `
if ARGV[7] == '1' then
  for _, entry in ipairs(redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', ARGV[1])) do
    local f = entry[2]
    for i = 1, #f - 1, 2 do
      if f[i] == 'p' and f[i + 1] == ARGV[6] then return entry[1] end
    end
  end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[2], 'd', ARGV[3], 'p', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[2], cjson.encode({u = ARGV[5], id = id, e = ARGV[2], d = ARGV[3]}))
return id`;

export interface HubOptions {
  redis?: { client: Redis; subscriber: Redis; breaker: CircuitBreaker; prefix: string } | undefined;
  replayPerUser?: number;
  streamTtlMs?: number;
  /** How long an event whose publish to Redis fails is retried before it is delivered locally only. */
  publishRetryMs?: number;
  onDeliveryError?: (err: unknown) => void;
}

export class EventHub {
  private readonly sinks = new Map<string, Set<StreamSink>>();
  private readonly ring = new Map<string, HubEvent[]>();
  private seq = 0;
  private readonly unsubscribers: Array<() => void> = [];
  private subscriberWasReady = false;
  private stopped = false;
  /** The subscriber is connected again after a disconnect: resubscribe (awaited), then let the streams resume. */
  private readonly onSubscriberReady = () => {
    const r = this.opts.redis;
    if (!r || this.stopped) return;
    if (!this.subscriberWasReady) {
      this.subscriberWasReady = true;
      return;
    }
    void r.subscriber
      .subscribe(this.channel)
      .then(() => {
        if (!this.stopped) this.closeStreams();
      })
      .catch((err) => this.opts.onDeliveryError?.(err));
  };
  private readonly channel: string;
  private readonly replayPerUser: number;
  private readonly onMessage = (ch: string, msg: string) => {
    if (ch !== this.channel) return;
    try {
      const w = JSON.parse(msg) as Wire;
      // w.d is the JSON.stringify of the data (publishOne): the frame takes it as is.
      const d = String(w.d);
      this.deliver(w.u, {
        id: w.id,
        event: w.e,
        data: JSON.parse(d),
        frame: `id: ${w.id}\nevent: ${w.e}\ndata: ${d}\n\n`,
      });
    } catch (err) {
      this.opts.onDeliveryError?.(err);
    }
  };

  constructor(
    private readonly bus: EventBus,
    private readonly opts: HubOptions = {},
  ) {
    this.channel = `${opts.redis?.prefix ?? ''}events`;
    this.replayPerUser = opts.replayPerUser ?? 200;
  }

  start(): void {
    this.unsubscribers.push(
      // A task's events go to the members of its project (the audience computed when the change was published:
      // a removed member's streams get nothing more of that project), or to its creator when none is named.
      this.bus.on('task.created', (p) => this.publishTo(p.audience ?? [p.userId], 'task.created', p.task)),
      this.bus.on('task.updated', (p) => this.publishTo(p.audience ?? [p.userId], 'task.updated', p.task)),
      // A deletion says only which task (as before projects); its audience is the project's members.
      this.bus.on('task.deleted', (p) => this.publishTo(p.audience ?? [p.userId], 'task.deleted', { id: p.id })),
      this.bus.on('project.event', (p) => this.publishTo(p.audience, p.event, p.data)),
    );
    const r = this.opts.redis;
    if (r) {
      this.subscriberWasReady = r.subscriber.status === 'ready';
      void r.subscriber.subscribe(this.channel).catch((err) => this.opts.onDeliveryError?.(err));
      r.subscriber.on('message', this.onMessage);
      r.subscriber.on('ready', this.onSubscriberReady);
    }
  }

  stop(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    const r = this.opts.redis;
    this.stopped = true;
    if (r) {
      r.subscriber.off('message', this.onMessage);
      r.subscriber.off('ready', this.onSubscriberReady);
      void r.subscriber.unsubscribe(this.channel).catch(() => {});
    }
    this.closeStreams();
  }

  /** End every open stream (the server is closing: a held SSE response would keep it from draining). */
  closeStreams(): void {
    for (const set of this.sinks.values()) for (const s of set) s.close();
    this.sinks.clear();
  }

  get connections(): number {
    let n = 0;
    for (const set of this.sinks.values()) n += set.size;
    return n;
  }

  private publishTo(audience: string[], event: string, data: unknown): void {
    for (const userId of new Set(audience)) this.publish(userId, event, data);
  }

  /** A write happened: one event for the task, then one stats.changed. */
  private publish(userId: string, event: string, data: unknown): void {
    void this.publishOne(userId, event, data).then(() => this.publishOne(userId, 'stats.changed', {}));
  }

  private async publishOne(userId: string, event: string, data: unknown): Promise<void> {
    const r = this.opts.redis;
    const retryUntil = Date.now() + (this.opts.publishRetryMs ?? 10_000);
    const publishId = randomUUID();
    for (let attempt = 0; r; attempt++) {
      try {
        await r.breaker.run(() =>
          r.client.eval(
            PUBLISH_SCRIPT,
            2,
            `${r.prefix}ev:${userId}`,
            this.channel,
            this.replayPerUser,
            event,
            JSON.stringify(data),
            this.opts.streamTtlMs ?? 86_400_000,
            userId,
            publishId,
            attempt > 0 ? '1' : '0',
          ),
        );
        return; // delivered through the channel, to this instance too
      } catch (err) {
        if (Date.now() >= retryUntil || this.stopped) {
          this.opts.onDeliveryError?.(err);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** attempt)));
      }
    }
    this.seq += 1;
    const e: HubEvent = { id: `m${Date.now().toString(36)}-${this.seq}`, event, data };
    let buf = this.ring.get(userId);
    if (!buf) {
      buf = [];
      this.ring.set(userId, buf);
    }
    buf.push(e);
    if (buf.length > this.replayPerUser) buf.shift();
    this.deliver(userId, e);
  }

  private deliver(userId: string, e: HubEvent): void {
    const set = this.sinks.get(userId);
    if (!set) return;
    for (const s of set) s.send(e);
  }

  /**
   * Register a stream; events after `lastEventId` (when still retained) are replayed first. The stream is
   * registered before the replay is read, and live events that arrive meanwhile are held back and sent after
   * the replay (minus any the replay already contained), so nothing falls between the two.
   */
  async attach(sink: StreamSink, lastEventId?: string): Promise<() => void> {
    let set = this.sinks.get(sink.userId);
    if (!set) {
      set = new Set();
      this.sinks.set(sink.userId, set);
    }
    let entry: StreamSink | undefined;
    const detach = () => {
      const s = this.sinks.get(sink.userId);
      if (!s) return;
      if (entry) s.delete(entry);
      s.delete(sink);
      if (s.size === 0) this.sinks.delete(sink.userId);
    };
    if (!lastEventId) {
      set.add(sink);
      return detach;
    }
    const held: HubEvent[] = [];
    entry = { userId: sink.userId, send: (e) => held.push(e), close: () => sink.close() };
    set.add(entry);
    const replayed = await this.since(sink.userId, lastEventId);
    if (!replayed) {
      // The retained events cannot be read now (Redis switching masters): end the stream; the client comes back
      // with the same Last-Event-ID instead of silently missing what it asked for.
      detach();
      sink.close();
      return detach;
    }
    const seen = new Set<string>();
    for (const e of replayed) {
      seen.add(e.id);
      sink.send(e);
    }
    for (const e of held) if (!seen.has(e.id)) sink.send(e);
    const current = this.sinks.get(sink.userId);
    if (current?.delete(entry)) current.add(sink);
    return detach;
  }

  /**
   * The events after lastId, or undefined when they exist only in Redis and Redis cannot be read now. An entry's
   * `p` field (its publish id) is not part of the event.
   */
  private async since(userId: string, lastId: string): Promise<HubEvent[] | undefined> {
    const r = this.opts.redis;
    if (r && /^\d+-\d+$/.test(lastId)) {
      try {
        const rows = (await r.breaker.run(() =>
          r.client.xrange(`${r.prefix}ev:${userId}`, `(${lastId}`, '+', 'COUNT', this.replayPerUser),
        )) as Array<[string, string[]]>;
        return rows.map(([id, fields]) => {
          const f = new Map<string, string>();
          for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i] as string, fields[i + 1] as string);
          return { id, event: f.get('e') ?? 'message', data: JSON.parse(f.get('d') ?? 'null') };
        });
      } catch (err) {
        this.opts.onDeliveryError?.(err);
        return undefined;
      }
    }
    const buf = this.ring.get(userId) ?? [];
    const i = buf.findIndex((e) => e.id === lastId);
    return i >= 0 ? buf.slice(i + 1) : [];
  }
}
