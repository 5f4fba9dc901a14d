/**
 * In-process domain events, emitted after a write commits (never for a rolled-back one). The real-time stream
 * and any cross-instance fan-out subscribe here.
 */
import { EventEmitter } from 'node:events';
import type { Task, TaskStatus } from '@primetrade/shared';
import type { DbOrTx } from './db/client';

/**
 * `userId` is the task's creator (its storage key); `audience`, when given, is who sees the event live: the
 * members of the task's project when the change was published (issue 15). Without it: the creator only.
 */
export interface DomainEvents {
  'task.created': { userId: string; task: Task; audience?: string[] };
  /** previousStatus: the status before this change (completion metrics, reminder bookkeeping). */
  'task.updated': { userId: string; task: Task; previousStatus?: TaskStatus; completed?: boolean; audience?: string[] };
  'task.deleted': { userId: string; id: string; projectId?: string; audience?: string[] };
  /** project.updated|deleted|member.added|member.updated|member.removed, for the users named. */
  'project.event': { audience: string[]; event: string; data: unknown };
}
export type DomainEventName = keyof DomainEvents;

/** A comment or project event recorded with its change: its project, and what it stays in order with. */
export interface RecordedEvent {
  event: string;
  projectId: string;
  orderKey: string;
  data: unknown;
}

/**
 * Where the comments and projects services record their events INSIDE the change's transaction (the webhooks'
 * deliveries, issue 18 item 4: at least once, a crash after the commit loses none). Wired in the composition
 * root; the services never import the webhooks module.
 */
export interface EventSink {
  /** In the change's transaction; returns how many rows it wrote. */
  write(tx: DbOrTx, events: RecordedEvent[]): Promise<number>;
  /** After the commit, when `write` wrote any: dispatch soon. */
  committed(): void;
}

/** Record in `tx`; the returned function (call it after the commit) kicks the sink when anything was written. */
export async function recordEvents(
  sink: EventSink | undefined,
  tx: DbOrTx,
  events: RecordedEvent[],
): Promise<() => void> {
  const n = sink && events.length > 0 ? await sink.write(tx, events) : 0;
  return n > 0 ? () => sink?.committed() : () => {};
}

export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    // Many SSE streams may subscribe; the default cap of 10 listeners would warn.
    this.emitter.setMaxListeners(0);
  }

  emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void {
    // A faulty listener must not break the write that already committed.
    for (const listener of this.emitter.listeners(name)) {
      try {
        (listener as (p: DomainEvents[K]) => void)(payload);
      } catch {
        /* listeners report their own errors */
      }
    }
  }

  on<K extends DomainEventName>(name: K, listener: (payload: DomainEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
