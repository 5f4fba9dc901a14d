/**
 * In-process domain events, emitted after a write commits (never for a rolled-back one). The real-time stream
 * and any cross-instance fan-out subscribe here.
 */
import { EventEmitter } from 'node:events';
import type { Task, TaskStatus } from '@primetrade/shared';

export interface DomainEvents {
  'task.created': { userId: string; task: Task };
  /** previousStatus: the status before this change (completion metrics, reminder bookkeeping). */
  'task.updated': { userId: string; task: Task; previousStatus?: TaskStatus; completed?: boolean };
  'task.deleted': { userId: string; id: string };
}
export type DomainEventName = keyof DomainEvents;

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
