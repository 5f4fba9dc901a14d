/**
 * Real-time fan-out of a user's task events to their open SSE streams, on every instance.
 *
 * - Without Redis: events from this process's EventBus go to this process's streams; each user keeps a small
 *   ring buffer so that Last-Event-ID can resume after a short disconnect.
 * - With Redis: each event is appended to the user's bounded Redis stream (XADD, MAXLEN ~) and published on one
 *   channel in the same Lua call; every instance (this one included) delivers what it receives on the channel.
 *   Delivery happens only on that path, so a stream never sees an event twice. If Redis is unreachable the event
 *   is delivered locally instead (degraded: other instances miss it until Redis returns).
 * - Slow clients: a stream whose socket buffer passes `maxBufferedBytes` is closed; the browser reconnects with
 *   Last-Event-ID. Memory per stream stays bounded.
 */
import type { Redis } from 'ioredis';
import type { CircuitBreaker } from '../../infra/redis/client';
import type { EventBus } from '../../infra/events';

export interface HubEvent {
  id: string;
  event: string;
  data: unknown;
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

const PUBLISH_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[2], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[2], cjson.encode({u = ARGV[5], id = id, e = ARGV[2], d = ARGV[3]}))
return id`;

export interface HubOptions {
  redis?: { client: Redis; subscriber: Redis; breaker: CircuitBreaker; prefix: string } | undefined;
  replayPerUser?: number;
  streamTtlMs?: number;
  onDeliveryError?: (err: unknown) => void;
}

export class EventHub {
  private readonly sinks = new Map<string, Set<StreamSink>>();
  private readonly ring = new Map<string, HubEvent[]>();
  private seq = 0;
  private readonly unsubscribers: Array<() => void> = [];
  private readonly channel: string;
  private readonly replayPerUser: number;
  private readonly onMessage = (ch: string, msg: string) => {
    if (ch !== this.channel) return;
    try {
      const w = JSON.parse(msg) as Wire;
      this.deliver(w.u, { id: w.id, event: w.e, data: JSON.parse(String(w.d)) });
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
      this.bus.on('task.created', (p) => this.publish(p.userId, 'task.created', p.task)),
      this.bus.on('task.updated', (p) => this.publish(p.userId, 'task.updated', p.task)),
      this.bus.on('task.deleted', (p) => this.publish(p.userId, 'task.deleted', { id: p.id })),
    );
    const r = this.opts.redis;
    if (r) {
      void r.subscriber.subscribe(this.channel).catch((err) => this.opts.onDeliveryError?.(err));
      r.subscriber.on('message', this.onMessage);
    }
  }

  stop(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    const r = this.opts.redis;
    if (r) {
      r.subscriber.off('message', this.onMessage);
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

  /** A write happened: one event for the task, then one stats.changed. */
  private publish(userId: string, event: string, data: unknown): void {
    void this.publishOne(userId, event, data).then(() => this.publishOne(userId, 'stats.changed', {}));
  }

  private async publishOne(userId: string, event: string, data: unknown): Promise<void> {
    const r = this.opts.redis;
    if (r) {
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
          ),
        );
        return; // delivered through the channel, to this instance too
      } catch (err) {
        this.opts.onDeliveryError?.(err);
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

  private async since(userId: string, lastId: string): Promise<HubEvent[]> {
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
        return [];
      }
    }
    const buf = this.ring.get(userId) ?? [];
    const i = buf.findIndex((e) => e.id === lastId);
    return i >= 0 ? buf.slice(i + 1) : [];
  }
}
