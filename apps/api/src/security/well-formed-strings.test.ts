/**
 * Ill-formed UTF-16 (a lone surrogate, sent as a JSON escape: `"a\ud800"`) in any free-text input is a 400
 * VALIDATION_FAILED naming the field, never a 500 (PostgreSQL refuses `\ud800` in jsonb with 22P02: the task
 * history and the outbox are jsonb) and never stored as U+FFFD. Issue 13, defect 3. Well-formed astral characters
 * (a surrogate pair) are still accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, drivers, RATE_LIMITS_OFF, type TestContext } from '../test/context';
import { createUser, type TestUser } from '../test/factories';

const ILL_FORMED = ['a\ud800', '\udfffb', 'x\udc00\ud800y', '\ud83d'];

for (const driver of drivers()) {
  describe(`ill-formed strings on ${driver}`, () => {
    let ctx: TestContext;
    let u: TestUser;
    let admin: TestUser;
    let taskId: string;
    beforeAll(async () => {
      ctx = await createTestContext(driver, { config: { rateLimit: RATE_LIMITS_OFF } });
      u = await createUser(ctx.platform);
      admin = await createUser(ctx.platform, { role: 'admin' });
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: u.headers,
        payload: { title: 'base' },
      });
      taskId = res.json().data.id;
    }, 120_000);
    afterAll(async () => ctx?.close());

    const send = (method: string, url: string, payload: unknown, headers: Record<string, string> = u.headers) =>
      ctx.app.inject({ method: method as 'POST', url, headers, payload: payload as object });

    const expect400 = (res: Awaited<ReturnType<typeof send>>, path: string) => {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = res.json();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };

    it('refuses a lone surrogate in task title, description and tags on every write route', async () => {
      for (const bad of ILL_FORMED) {
        for (const [field, value, path] of [
          ['title', bad, 'title'],
          ['description', bad, 'description'],
          ['tags', ['ok', bad], 'tags.1'],
        ] as const) {
          const body = { title: 'fine', [field]: value };
          expect400(await send('POST', '/api/v1/tasks', body), path);
          expect400(await send('PUT', `/api/v1/tasks/${taskId}`, body), path);
          expect400(await send('PATCH', `/api/v1/tasks/${taskId}`, { [field]: value }), path);
          expect400(
            await send('POST', '/api/v1/tasks/bulk', { action: 'update', ids: [taskId], patch: { [field]: value } }),
            `patch.${path}`,
          );
        }
      }
      const list = await send('GET', '/api/v1/tasks', undefined);
      expect(list.json().data.map((t: { title: string }) => t.title)).toEqual(['base']);
    });

    it('reports an import row with a lone surrogate as failed and stores nothing', async () => {
      const rows = await send('POST', '/api/v1/tasks/import', [
        { title: 'a\ud800' },
        { title: 'ok', description: 'b\udfff' },
        { title: 'ok', tags: ['\ud800'] },
      ]);
      expect(rows.statusCode, rows.body).toBe(200);
      expect(rows.json().data.imported).toBe(0);
      expect(rows.json().data.failed.map((f: { row: number }) => f.row)).toEqual([1, 2, 3]);
      // A text/csv body is bytes decoded as UTF-8: it cannot carry a lone surrogate (bad bytes become U+FFFD).
    });

    it('refuses a lone surrogate in names, credentials, tokens and search text', async () => {
      const anon = {};
      expect400(
        await send(
          'POST',
          '/api/v1/auth/register',
          { name: 'a\ud800', email: 'new@example.test', password: 'x'.repeat(12) },
          anon,
        ),
        'name',
      );
      expect400(
        await send(
          'POST',
          '/api/v1/auth/register',
          { name: 'ok', email: 'new2@example.test', password: `${'x'.repeat(12)}\ud800` },
          anon,
        ),
        'password',
      );
      expect400(await send('POST', '/api/v1/auth/login', { email: u.email, password: 'pw\udc00' }, anon), 'password');
      expect400(await send('POST', '/api/v1/auth/forgot-password', { email: 'a\ud800@example.test' }, anon), 'email');
      expect400(
        await send('POST', '/api/v1/auth/reset-password', { token: 't\ud800', password: 'y'.repeat(12) }, anon),
        'token',
      );
      expect400(await send('POST', '/api/v1/auth/verify-email', { token: '\udfff' }, anon), 'token');
      expect400(await send('PATCH', '/api/v1/users/me', { name: 'n\ud800' }), 'name');
      // Query strings are bytes: %ED%A0%80 (a surrogate in CESU-8) is not UTF-8 and is refused before any route.
      for (const url of ['/api/v1/tasks?q=%ED%A0%80', `/api/v1/admin/users?q=%ED%A0%80`]) {
        const res = await send('GET', url, undefined, url.includes('admin') ? admin.headers : u.headers);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
      }
    });

    it('still accepts well-formed astral characters (surrogate pairs) everywhere', async () => {
      const res = await send('POST', '/api/v1/tasks', {
        title: '𝕿𝖊𝖘𝖙 👩‍👩‍👧‍👦',
        description: '😀',
        tags: ['🏷️'],
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().data).toMatchObject({ title: '𝕿𝖊𝖘𝖙 👩‍👩‍👧‍👦', description: '😀', tags: ['🏷️'] });
      const me = await send('PATCH', '/api/v1/users/me', { name: 'Zoë 😀' });
      expect(me.statusCode, me.body).toBe(200);
      const q = await send('GET', `/api/v1/tasks?q=${encodeURIComponent('𝕿𝖊𝖘𝖙')}`, undefined);
      expect(q.statusCode, q.body).toBe(200);
    });
  });

  describe(`malformed %-escapes in the query string on ${driver}`, () => {
    let ctx: TestContext;
    let u: TestUser;
    beforeAll(async () => {
      ctx = await createTestContext(driver, { config: { rateLimit: RATE_LIMITS_OFF } });
      u = await createUser(ctx.platform);
    }, 120_000);
    afterAll(async () => ctx?.close());

    it('answers ?q=%zz (and other bad escapes) with a 400 problem+json carrying the request id', async () => {
      for (const url of [
        '/api/v1/tasks?q=%zz',
        '/api/v1/tasks?q=%',
        '/api/v1/tasks?q=abc%2',
        '/api/v1/tasks?tag=%E0%A4%A',
        '/api/v1/tasks?q=%FF',
        '/api/v1/tasks/export?q=%zz',
        '/api/v1/tasks?%zz=1',
      ]) {
        const res = await ctx.app.inject({ method: 'GET', url, headers: { ...u.headers, 'x-request-id': 'rid-q-1' } });
        expect(res.statusCode, url).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['x-request-id']).toBe('rid-q-1');
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', requestId: 'rid-q-1' });
        expect(res.json().errors[0].path).toBe('querystring');
      }
      // Well-formed escapes (a literal %, a space, an astral character) still search.
      for (const q of ['100%', 'a b', '𝕿']) {
        const res = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/tasks?q=${encodeURIComponent(q)}`,
          headers: u.headers,
        });
        expect(res.statusCode, q).toBe(200);
      }
    });
  });
}
