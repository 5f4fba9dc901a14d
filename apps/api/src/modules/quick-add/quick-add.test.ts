/** POST /api/v1/tasks/parse over HTTP, on every driver: auth, validation, the answer's shape, nothing created. */
import { QUICK_ADD_TEXT_MAX } from '@primetrade/shared';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';

const URL = '/api/v1/tasks/parse';

describe.each(drivers())('POST /tasks/parse on %s', (driver) => {
  let ctx: TestContext;
  let user: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
    user = await createUser(ctx.platform, { timezone: 'America/New_York' });
  });
  afterAll(async () => ctx?.close());

  const parse = (payload: unknown, headers: Record<string, string> = user.headers) =>
    ctx.app.inject({ method: 'POST', url: URL, headers, payload: payload as object });
  const taskCount = async () =>
    (await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks?limit=100', headers: user.headers })).json().data
      .length as number;

  it('401 without a token, 401 with a bad one', async () => {
    expect((await parse({ text: 'buy milk' }, {})).statusCode).toBe(401);
    const bad = await parse({ text: 'buy milk' }, { authorization: 'Bearer nope' });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toMatch(/UNAUTHENTICATED|TOKEN_EXPIRED/);
  });

  it.each([
    ['an empty text', { text: '' }],
    ['a text over 500 characters', { text: 'a'.repeat(QUICK_ADD_TEXT_MAX + 1) }],
    ['no text', {}],
    ['a number', { text: 5 }],
    ['an unknown time zone', { text: 'tomorrow', timezone: 'Mars/Olympus_Mons' }],
    ['an unknown field', { text: 'tomorrow', title: 'x' }],
    ['a lone surrogate', { text: 'a\ud800' }],
  ])('400 VALIDATION_FAILED for %s', async (_, payload) => {
    const res = await parse(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
  });

  it('200 with the draft and spans, read in the user’s time zone, rate-limit headers, no task created', async () => {
    const before = await taskCount();
    const text = 'call Ana 5pm every monday #Home p2 +Nowhere';
    const res = await parse({ text });
    expect(res.statusCode).toBe(200);
    expect(res.headers['ratelimit-limit']).toBeDefined();
    const body = res.json();
    expect(body.success).toBe(true);
    expect(Object.keys(body.data).sort()).toEqual(['draft', 'spans']);
    expect(Object.keys(body.data.draft).sort()).toEqual(
      ['dueDate', 'priority', 'projectId', 'recurrence', 'tags', 'title'].sort(),
    );
    const { draft, spans } = body.data;
    expect(draft).toMatchObject({
      title: 'call Ana +Nowhere',
      priority: 'high',
      tags: ['home'],
      projectId: null,
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO', mode: 'due' },
    });
    // The rule's first Monday at 5pm, New York time (the user's zone); no project has that name.
    const due = DateTime.fromISO(draft.dueDate).setZone('America/New_York');
    expect([due.weekday, due.hour, due.minute]).toEqual([1, 17, 0]);
    expect(spans.map((s: { start: number; end: number; field: string }) => text.slice(s.start, s.end))).toEqual([
      '5pm',
      'every monday',
      '#Home',
      'p2',
    ]);
    expect(await taskCount()).toBe(before);
  });

  it('reads dates in the time zone sent, else in the user’s', async () => {
    const hourIn = async (timezone: string | undefined, zone: string) => {
      const res = await parse({ text: 'tomorrow 5pm', ...(timezone ? { timezone } : {}) });
      expect(res.statusCode).toBe(200);
      return DateTime.fromISO(res.json().data.draft.dueDate).setZone(zone).hour;
    };
    expect(await hourIn(undefined, 'America/New_York')).toBe(17);
    expect(await hourIn('Europe/Berlin', 'Europe/Berlin')).toBe(17);
    // Positive control: the same answer is not 17:00 in the other zone.
    expect(await hourIn('Europe/Berlin', 'America/New_York')).not.toBe(17);
  });

  it('+Name finds the caller’s project by name, case-insensitive, never another user’s', async () => {
    const createProject = async (who: TestUser, name: string) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/projects',
        headers: who.headers,
        payload: { name },
      });
      expect(res.statusCode).toBe(201);
      return res.json().data.id as string;
    };
    const other = await createUser(ctx.platform);
    await createProject(other, 'Garden');
    const work = await createProject(user, 'Work');
    const mine = (await parse({ text: 'review PR +work' })).json().data;
    expect(mine.draft).toMatchObject({ title: 'review PR', projectId: work });
    expect(mine.spans).toEqual([{ start: 10, end: 15, field: 'projectId' }]);
    // Another user's project of that name is not found: the word stays in the title.
    const theirs = (await parse({ text: 'dig +Garden' })).json().data;
    expect(theirs.draft).toMatchObject({ title: 'dig +Garden', projectId: null });
    expect(theirs.spans).toEqual([]);
  });

  it('takes exactly 500 characters, and a text of only recognised words gives an empty title', async () => {
    const long = await parse({ text: `${'x'.repeat(QUICK_ADD_TEXT_MAX - 3)} p1` });
    expect(long.statusCode).toBe(200);
    const only = await parse({ text: '#a p1' });
    expect(only.json().data.draft).toMatchObject({ title: '', tags: ['a'], priority: 'urgent' });
  });
});
