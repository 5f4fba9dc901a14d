/**
 * Conditional requests on one task: If-None-Match (304) and If-Match (412 on a stale ETag, one winner among
 * concurrent writers).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import type { TestUser } from '../../test/factories';
import { openTasksSuite, type PostTask } from '../../test/tasks-http';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';

describe.each(drivers())('task ETags and conditional requests on %s', (driver) => {
  let ctx: TestContext;
  let alice: TestUser;
  let post: PostTask;
  beforeAll(async () => {
    ({ ctx, alice, post } = await openTasksSuite(driver));
  });
  afterAll(async () => ctx?.close());

  it('GET with If-None-Match answers 304 repeating the ETag; a stale one gets 200', async () => {
    const created = (await post(alice, { title: 'cache me' })).json().data;
    const first = await ctx.app.inject({ method: 'GET', url: `${BASE}/${created.id}`, headers: alice.headers });
    const etag = first.headers.etag as string;
    const notModified = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/${created.id}`,
      headers: { ...alice.headers, 'if-none-match': `"other", ${etag}` },
    });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.headers.etag).toBe(etag);
    expect(notModified.body).toBe('');
    const weak = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/${created.id}`,
      headers: { ...alice.headers, 'if-none-match': `W/${etag}` },
    });
    expect(weak.statusCode).toBe(304);
    const stale = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/${created.id}`,
      headers: { ...alice.headers, 'if-none-match': '"nope"' },
    });
    expect(stale.statusCode).toBe(200);
  });

  it('PATCH: partial change, version + 1, new ETag, If-Match mismatch → 412, no-op keeps the version', async () => {
    const created = (await post(alice, { title: 'v1', priority: 'low' })).json().data;
    const etag1 = (await ctx.app.inject({ method: 'GET', url: `${BASE}/${created.id}`, headers: alice.headers }))
      .headers.etag as string;
    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: `${BASE}/${created.id}`,
      headers: { ...alice.headers, 'if-match': etag1 },
      payload: { title: 'v2' },
    });
    expect(patched.statusCode).toBe(200);
    const v2 = patched.json().data;
    expect(v2).toMatchObject({ title: 'v2', priority: 'low', version: 2 });
    expect(patched.headers.etag).not.toBe(etag1);
    expect(new Date(v2.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.updatedAt).getTime());

    const stale = await ctx.app.inject({
      method: 'PATCH',
      url: `${BASE}/${created.id}`,
      headers: { ...alice.headers, 'if-match': etag1 },
      payload: { title: 'lost update' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('PRECONDITION_FAILED');
    const after = (await ctx.app.inject({ method: 'GET', url: `${BASE}/${created.id}`, headers: alice.headers })).json()
      .data;
    expect(after.title).toBe('v2');
    expect(after.version).toBe(2);

    const noop = await ctx.app.inject({
      method: 'PATCH',
      url: `${BASE}/${created.id}`,
      headers: alice.headers,
      payload: {},
    });
    expect(noop.statusCode).toBe(200);
    expect(noop.json().data.version).toBe(2);
    const same = await ctx.app.inject({
      method: 'PATCH',
      url: `${BASE}/${created.id}`,
      headers: alice.headers,
      payload: { title: 'v2', priority: 'low' },
    });
    expect(same.json().data.version).toBe(2);

    expect(
      (
        await ctx.app.inject({
          method: 'PATCH',
          url: `${BASE}/${created.id}`,
          headers: alice.headers,
          payload: { title: 'x', role: 'admin' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await ctx.app.inject({
          method: 'PATCH',
          url: `${BASE}/${created.id}`,
          headers: { ...alice.headers, 'if-match': '*' },
          payload: { title: 'star' },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('two writers with the same If-Match: exactly one wins, the other gets 412', async () => {
    const created = (await post(alice, { title: 'race' })).json().data;
    const etag = (await ctx.app.inject({ method: 'GET', url: `${BASE}/${created.id}`, headers: alice.headers })).headers
      .etag as string;
    const results = await Promise.all(
      ['a', 'b', 'c'].map((t) =>
        ctx.app.inject({
          method: 'PATCH',
          url: `${BASE}/${created.id}`,
          headers: { ...alice.headers, 'if-match': etag },
          payload: { title: t },
        }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 412, 412]);
    const final = (await ctx.app.inject({ method: 'GET', url: `${BASE}/${created.id}`, headers: alice.headers })).json()
      .data;
    expect(final.version).toBe(2);
    expect(final.title).toBe(results.find((r) => r.statusCode === 200)?.json().data.title);
  });
});
