/**
 * Cookie-authenticated writes must come from the app's own origin (issue 13, item 9): Origin — or, without one, the
 * Referer — must name APP_URL's origin or one of CORS_ORIGINS, else 403 CSRF_FAILED problem+json, even with a
 * correct X-CSRF-Token; bearer requests are not affected. Over https the cookies are `__Host-`/`__Secure-` named
 * and the bare names are not read. (On the code before this check, the cross-origin and no-origin cases were 201.)
 */
import { authCookieNames } from '@primetrade/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { API, cookieHeader, cookieJar, createAuthContext, GOOD_PASSWORD, login, register } from '../../test/auth-http';

const EVIL = 'https://evil.example';

async function signIn(ctx: TestContext) {
  const { email } = await register(ctx);
  const res = await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' });
  expect(res.statusCode).toBe(200);
  return cookieJar(res);
}

const createTask = (ctx: TestContext, headers: Record<string, string>, title = 'origin check') =>
  ctx.app.inject({ method: 'POST', url: `${API}/tasks`, headers, payload: { title } });

async function taskCount(ctx: TestContext, cookie: string): Promise<number> {
  const res = await ctx.app.inject({ method: 'GET', url: `${API}/tasks?limit=100`, headers: { cookie } });
  expect(res.statusCode).toBe(200);
  return res.json().data.length;
}

function expectRefused(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  expect(res.statusCode).toBe(403);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['x-request-id']).toBeTruthy();
  expect(res.json()).toMatchObject({ status: 403, code: 'CSRF_FAILED' });
}

describe.each(drivers())('cookie-authenticated writes and their origin on %s', (driver) => {
  let ctx: TestContext;
  let app: string;
  beforeAll(async () => {
    ctx = await createAuthContext(driver);
    app = new URL(ctx.config.appUrl).origin;
  }, 180_000);
  afterAll(async () => ctx?.close());

  it('a cross-origin write is 403 CSRF_FAILED though the CSRF token is right, and writes nothing', async () => {
    const jar = await signIn(ctx);
    const cookie = cookieHeader(jar);
    const auth = { cookie, 'x-csrf-token': jar.csrf_token ?? '' };
    const sources: Record<string, string>[] = [
      { origin: EVIL },
      { origin: 'null' },
      { origin: app.replace(/:\d+$/, ':1') }, // same host, another port: another origin
      { origin: app.replace(/^http:/, 'https:') }, // another scheme
      { referer: `${EVIL}/tasks` }, // no Origin: the Referer decides
      {}, // neither
      { origin: EVIL, referer: `${app}/tasks` }, // an Origin is not overruled by a Referer
    ];
    for (const from of sources) {
      expectRefused(await createTask(ctx, { ...auth, ...from }));
    }
    const other = { method: 'DELETE' as const, url: `${API}/auth/sessions/00000000-0000-4000-8000-000000000001` };
    expectRefused(await ctx.app.inject({ ...other, headers: { ...auth, origin: EVIL } }));
    expect(await taskCount(ctx, cookie)).toBe(0);
  });

  it('a same-origin write passes, by Origin or (without one) by Referer; the CSRF check still applies', async () => {
    const jar = await signIn(ctx);
    const cookie = cookieHeader(jar);
    const csrf = { 'x-csrf-token': jar.csrf_token ?? '' };
    expect((await createTask(ctx, { cookie, ...csrf, origin: app })).statusCode).toBe(201);
    expect((await createTask(ctx, { cookie, ...csrf, referer: `${app}/tasks?status=todo` })).statusCode).toBe(201);
    const noCsrf = await createTask(ctx, { cookie, origin: app });
    expectRefused(noCsrf);
    expect(noCsrf.json()).toMatchObject({ detail: 'Missing or wrong X-CSRF-Token header' });
    expect(await taskCount(ctx, cookie)).toBe(2);
  });

  it('refresh and logout from the cookie check the origin too', async () => {
    const jar = await signIn(ctx);
    const headers = { cookie: cookieHeader(jar), 'x-csrf-token': jar.csrf_token ?? '' };
    for (const url of [`${API}/auth/refresh`, `${API}/auth/logout`]) {
      expectRefused(await ctx.app.inject({ method: 'POST', url, headers: { ...headers, origin: EVIL } }));
      expectRefused(await ctx.app.inject({ method: 'POST', url, headers }));
    }
    const ok = await ctx.app.inject({
      method: 'POST',
      url: `${API}/auth/refresh`,
      headers: { ...headers, origin: app },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('bearer requests are not affected: no Origin, or a foreign one, still write', async () => {
    const { email } = await register(ctx);
    const token = (await login(ctx, email, GOOD_PASSWORD)).json().data.accessToken as string;
    const authorization = `Bearer ${token}`;
    expect((await createTask(ctx, { authorization })).statusCode).toBe(201);
    expect((await createTask(ctx, { authorization, origin: EVIL })).statusCode).toBe(201);
  });

  it('reads by cookie need no Origin', async () => {
    const jar = await signIn(ctx);
    const res = await ctx.app.inject({ method: 'GET', url: `${API}/auth/me`, headers: { cookie: cookieHeader(jar) } });
    expect(res.statusCode).toBe(200);
  });
});

describe('the allowed origins', () => {
  it("are APP_URL's origin and CORS_ORIGINS, normalised", () => {
    const c = loadConfig({
      APP_URL: 'https://Tasks.Example:443/app/',
      CORS_ORIGINS: 'https://admin.example/, https://tasks.example, not a url',
    });
    expect(c.cookieWriteOrigins).toEqual(['https://tasks.example', 'https://admin.example']);
    expect(loadConfig({ PORT: '4000' }).cookieWriteOrigins).toEqual(['http://localhost:4000']);
  });
});

describe('over https: __Host- cookie names', () => {
  let ctx: TestContext;
  const app = 'https://tasks.example';
  const names = authCookieNames(true);
  beforeAll(async () => {
    // The context an https deployment has: APP_URL decides Secure and the names.
    ctx = await createTestContext('pglite', {
      env: { APP_URL: app },
      config: { rateLimit: { authIpMax: 100_000, apiMax: 100_000 } },
    });
  }, 180_000);
  afterAll(async () => ctx?.close());

  it('sets __Host-access_token and __Host-csrf_token (Secure, Path=/, no Domain) and __Secure-refresh_token', async () => {
    expect(ctx.config.secureCookies).toBe(true);
    const { email } = await register(ctx);
    const res = await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' });
    const byName = Object.fromEntries(res.cookies.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual([names.access, names.csrf, names.refresh].sort());
    expect(names).toEqual({
      access: '__Host-access_token',
      refresh: '__Secure-refresh_token',
      csrf: '__Host-csrf_token',
    });
    for (const n of [names.access, names.csrf]) {
      expect(byName[n]).toMatchObject({ secure: true, path: '/' });
      expect(byName[n]?.domain).toBeUndefined();
    }
    expect(byName[names.refresh]).toMatchObject({ secure: true, httpOnly: true, path: '/api/v1/auth' });
  });

  it('writes, refreshes and logs out with the prefixed cookies; the bare names are not read', async () => {
    const { email } = await register(ctx);
    const jar = cookieJar(await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' }));
    const csrf = jar[names.csrf] ?? '';
    const cookie = cookieHeader(jar);
    expect((await createTask(ctx, { cookie, 'x-csrf-token': csrf, origin: app })).statusCode).toBe(201);
    expectRefused(await createTask(ctx, { cookie, 'x-csrf-token': csrf, origin: 'http://tasks.example' }));

    // A bare csrf_token (which a sibling subdomain could plant) does not stand in for the __Host- one.
    const planted = `${cookie}; csrf_token=planted-value-planted-value-planted-value-x`;
    expectRefused(
      await createTask(ctx, {
        cookie: planted,
        'x-csrf-token': 'planted-value-planted-value-planted-value-x',
        origin: app,
      }),
    );
    // The access token under the bare name is not a credential here.
    const bare = `access_token=${jar[names.access]}`;
    expect((await ctx.app.inject({ method: 'GET', url: `${API}/auth/me`, headers: { cookie: bare } })).statusCode).toBe(
      401,
    );

    const refreshed = await ctx.app.inject({
      method: 'POST',
      url: `${API}/auth/refresh`,
      headers: { cookie, 'x-csrf-token': csrf, origin: app },
    });
    expect(refreshed.statusCode).toBe(200);
    const next = cookieJar(refreshed);
    expect(next[names.refresh]).toBeDefined();
    expect(next[names.refresh]).not.toBe(jar[names.refresh]);
    const out = await ctx.app.inject({
      method: 'POST',
      url: `${API}/auth/logout`,
      headers: { cookie: cookieHeader(next), 'x-csrf-token': next[names.csrf] ?? '', origin: app },
    });
    expect(out.statusCode).toBe(204);
    const cleared = Object.fromEntries(out.cookies.map((c) => [c.name, c]));
    for (const n of Object.values(names)) expect(cleared[n]?.value).toBe('');
  });
});
