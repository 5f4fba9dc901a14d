/**
 * Keyset cursors under concurrent writes: a walk while tasks are being inserted sees every original task once.
 */
import type { Task } from '@primetrade/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';
import { seedTask } from './index';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';
const DAY = 86_400_000;

/** A task as the API returns it. */
type TaskJson = Task;

describe.each(drivers())('cursor paging under concurrent inserts on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTasksContext(driver);
  });
  afterAll(async () => ctx?.close());

  const list = (user: TestUser, qs: string) =>
    ctx.app.inject({ method: 'GET', url: `${BASE}?${qs}`, headers: user.headers });

  it('a cursor walk while tasks are being inserted: no duplicates, no gaps', async () => {
    const w = await createUser(ctx.platform);
    const original = new Set<string>();
    const base = Date.now() - 10 * DAY;
    for (let i = 0; i < 45; i++) {
      // Several share a created_at, so ties are broken on id.
      const t = await seedTask(ctx.database.db, w.id, {
        title: `w${i}`,
        createdAt: new Date(base + Math.floor(i / 3) * 1000),
      });
      original.add(t.id);
    }
    for (const sort of ['-createdAt', 'createdAt', 'title', '-priority']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let inserted = 0;
      do {
        const qs: string = `limit=7&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await list(w, qs);
        expect(res.statusCode).toBe(200);
        seen.push(...res.json().data.map((t: TaskJson) => t.id));
        cursor = res.json().meta.nextCursor;
        // Others arrive between pages (new ones, and ones sorting anywhere).
        await seedTask(ctx.database.db, w.id, { title: `new${inserted}`, priority: 'urgent' });
        inserted++;
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(seen.length);
      for (const id of original) expect(seen, sort).toContain(id);
    }
  });
});
