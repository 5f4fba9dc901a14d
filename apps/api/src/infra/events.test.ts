import { describe, expect, it } from 'vitest';
import { EventBus } from './events';

describe('EventBus', () => {
  it('delivers typed events to subscribers until they unsubscribe; a throwing listener does not stop others', () => {
    const bus = new EventBus();
    const got: string[] = [];
    bus.on('task.deleted', () => {
      throw new Error('faulty listener');
    });
    const off = bus.on('task.deleted', (e) => got.push(`${e.userId}:${e.id}`));
    bus.emit('task.deleted', { userId: 'u', id: 't1' });
    off();
    bus.emit('task.deleted', { userId: 'u', id: 't2' });
    expect(got).toEqual(['u:t1']);
  });
});
