import type { Task } from '@primetrade/shared';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../infra/events';
import { EventHub, type HubEvent, type StreamSink, sseFrame } from './event-hub';

function collect(userId: string) {
  const got: HubEvent[] = [];
  const sink: StreamSink = { userId, send: (e) => got.push(e), close: () => {} };
  return { got, sink };
}

const task = (id: string) => ({ id, title: id }) as unknown as Task;

describe('EventHub (in-process)', () => {
  it('delivers a user its own events only', () => {
    const bus = new EventBus();
    const hub = new EventHub(bus);
    hub.start();
    const a = collect('a');
    const b = collect('b');
    void hub.attach(a.sink);
    void hub.attach(b.sink);
    bus.emit('task.deleted', { userId: 'a', id: 't1' });
    expect(a.got.map((e) => e.event)).toEqual(['task.deleted']);
    expect(b.got).toHaveLength(0);
    hub.stop();
  });

  it('a resuming stream misses nothing published while its replay is read, and sees nothing twice', async () => {
    const bus = new EventBus();
    const hub = new EventHub(bus);
    hub.start();
    const first = collect('u');
    const detachFirst = await hub.attach(first.sink);
    bus.emit('task.created', { userId: 'u', task: task('one') });
    await new Promise((r) => setImmediate(r)); // its stats.changed follows on a microtask
    const lastSeen = first.got.at(-1)?.id;
    detachFirst();
    bus.emit('task.created', { userId: 'u', task: task('two') }); // retained, to be replayed

    const second = collect('u');
    const attaching = hub.attach(second.sink, lastSeen);
    bus.emit('task.created', { userId: 'u', task: task('three') }); // live, while the replay is pending
    await attaching;
    await new Promise((r) => setImmediate(r));
    bus.emit('task.created', { userId: 'u', task: task('four') });
    await new Promise((r) => setImmediate(r));

    const titles = second.got.filter((e) => e.event === 'task.created').map((e) => (e.data as { title: string }).title);
    expect(titles).toEqual(['two', 'three', 'four']);
    expect(new Set(second.got.map((e) => e.id)).size).toBe(second.got.length);
    expect(hub.connections).toBe(1);
    hub.stop();
  });

  it("builds an event's SSE frame once however many streams it goes to (P8: 500 streams per user)", async () => {
    const bus = new EventBus();
    const hub = new EventHub(bus);
    hub.start();
    let serialised = 0;
    const data = {
      id: 't1',
      title: 'x',
      toJSON: () => {
        serialised++;
        return { id: 't1', title: 'x' };
      },
    };
    const frames: string[] = [];
    for (let i = 0; i < 5; i++)
      await hub.attach({ userId: 'u', send: (e) => frames.push(sseFrame(e)), close: () => {} });
    bus.emit('task.created', { userId: 'u', task: data as unknown as Task });
    expect(serialised).toBe(1);
    expect(frames).toHaveLength(5);
    expect(new Set(frames).size).toBe(1);
    expect(frames[0]).toMatch(/^id: \S+\nevent: task\.created\ndata: \{"id":"t1","title":"x"\}\n\n$/);
    hub.stop();
  });
});
