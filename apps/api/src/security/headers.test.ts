/**
 * Security headers, CORS, methods, content types and body limits (quality.md "Output"; security-tests.md S14, S16).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { createTestContext, RATE_LIMITS_OFF, type TestContext, testPlatform } from '../test/context';
import { createUser, type TestUser } from '../test/factories';

const ALLOWED = 'https://app.primetrade.test';
const EVIL = 'https://evil.example';

function cspDirectives(header: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of String(header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = res.json() as { status: number; requestId: string; success: boolean };
  expect(body.success).toBe(false);
  expect(body.status).toBe(status);
  expect(body.requestId).toBe(res.headers['x-request-id']);
}

describe('security headers, CORS, methods, media types, limits', () => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext('pglite', {
      config: {
        serveWeb: true,
        corsOrigins: [ALLOWED],
        rateLimit: RATE_LIMITS_OFF,
      },
    });
    user = await createUser(ctx.platform);
  }, 180_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('JSON API responses carry the API set: a CSP that allows nothing, nosniff, DENY framing, no document-only headers', async () => {
    for (const url of ['/api/v1/tasks', '/api/v1/nope', '/health/live']) {
      const res = await ctx.app.inject({ method: 'GET', url, headers: user.headers });
      const csp = cspDirectives(res.headers['content-security-policy']);
      expect(csp.get('default-src'), url).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), url).toEqual(["'none'"]);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['cross-origin-resource-policy'], url).toBe('same-origin');
      expect(res.headers['x-xss-protection'], url).toBeUndefined();
      expect(res.headers['x-powered-by'], url).toBeUndefined();
    }
    // Swagger UI is a document: it keeps the document set (with its own CSP).
    const docs = await ctx.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.headers['x-xss-protection']).toBe('0');
  });

  it('GET / (HTML) has a CSP with frame-ancestors none and no unsafe-inline/eval scripts', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = cspDirectives(res.headers['content-security-policy']);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    const scriptSrc = csp.get('script-src') ?? csp.get('default-src') ?? [];
    expect(scriptSrc.length).toBeGreaterThan(0);
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(scriptSrc).not.toContain('*');
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toBeDefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    // A client route falls back to the same HTML with the same policy.
    const deep = await ctx.app.inject({ method: 'GET', url: '/tasks/123' });
    expect(cspDirectives(deep.headers['content-security-policy']).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('API responses: nosniff, no X-Powered-By, Cache-Control no-store (success and error)', async () => {
    for (const [url, headers, status] of [
      ['/api/v1/auth/me', user.headers, 200],
      ['/api/v1/auth/me', {}, 401],
      ['/api/v1/tasks?limit=5', user.headers, 200],
      ['/api/v1/tasks/not-a-uuid', user.headers, 400],
      ['/api/v1/nope', {}, 404],
    ] as const) {
      const res = await ctx.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['cache-control'], url).toBe('no-store');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-powered-by'], url).toBeUndefined();
      expect(res.headers['x-request-id'], url).toBeTruthy();
    }
  });

  it('HSTS (≥ 1 year) when served over https, none on local http', async () => {
    const plain = await ctx.app.inject({ method: 'GET', url: '/health/live' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const platform = testPlatform(
      { ...ctx.config, appUrl: 'https://tasks.example.com', secureCookies: true },
      ctx.database,
    );
    const app = await buildApp(platform);
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/auth/me' });
      const hsts = String(res.headers['strict-transport-security']);
      expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31_536_000);
    } finally {
      await app.close();
    }
  });

  it('CORS: a foreign origin gets no Access-Control-Allow-Origin; the allowed one gets it with credentials', async () => {
    const foreign = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { origin: EVIL, ...user.headers },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreign.headers['access-control-allow-credentials']).toBeUndefined();
    const preflightEvil = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/tasks',
      headers: {
        origin: EVIL,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflightEvil.statusCode).toBeLessThan(500);
    expect(preflightEvil.headers['access-control-allow-origin']).toBeUndefined();
    // "null" and look-alike origins are foreign too.
    for (const origin of ['null', `${ALLOWED}.evil.example`, ALLOWED.replace('https', 'http')]) {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { origin } });
      expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
    const allowed = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { origin: ALLOWED, ...user.headers },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const preflight = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/tasks',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(preflight.headers['access-control-allow-origin']).not.toBe('*');
  });

  it('TRACE and other unsupported methods → 404/405 problem+json, never 5xx', async () => {
    for (const method of ['TRACE', 'PROPFIND', 'SEARCH', 'MKCOL', 'LOCK', 'CONNECT', 'COPY', 'MOVE']) {
      for (const url of ['/api/v1/tasks', '/', '/api/v1/auth/login']) {
        const res = await ctx.app.inject({ method: method as 'GET', url, headers: user.headers });
        expect([404, 405], `${method} ${url}`).toContain(res.statusCode);
        expectProblem(res, res.statusCode);
        expect(res.body).not.toContain(user.accessToken); // TRACE never echoes the request
      }
    }
    // A method Node's HTTP parser does not know at all, over a real socket.
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ctx.app.server.address() as { port: number };
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('FOO /api/v1/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      socket.on('data', (d) => {
        data += d.toString();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });

  it('text/plain, form and multipart bodies on JSON routes → 415 (no CSRF-able "simple" requests)', async () => {
    const cases: Array<[string, string, string]> = [
      ['/api/v1/tasks', 'text/plain', '{"title":"x"}'],
      ['/api/v1/tasks', 'text/plain;charset=UTF-8', '{"title":"x"}'],
      ['/api/v1/tasks', 'application/x-www-form-urlencoded', 'title=x'],
      [
        '/api/v1/tasks',
        'multipart/form-data; boundary=b',
        '--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--b--',
      ],
      ['/api/v1/tasks/bulk', 'text/plain', '{"action":"delete","ids":[]}'],
      ['/api/v1/auth/login', 'text/plain', '{"email":"a@b.c","password":"x"}'],
      ['/api/v1/auth/login', 'application/x-www-form-urlencoded', 'email=a%40b.c&password=x'],
      ['/api/v1/auth/logout-all', 'text/plain', ''],
    ];
    const before = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks?limit=100', headers: user.headers });
    for (const [url, type, payload] of cases) {
      const res = await ctx.app.inject({
        method: 'POST',
        url,
        headers: { ...user.headers, 'content-type': type },
        payload,
      });
      expect(res.statusCode, `${type} → ${url}`).toBe(415);
      expectProblem(res, 415);
      expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const after = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks?limit=100', headers: user.headers });
    expect(after.json().data).toEqual(before.json().data);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: user.headers })).statusCode).toBe(
      200,
    );
  });

  it('a cookie-authenticated write without the CSRF token → 403 CSRF_FAILED, with it → 201', async () => {
    // From the app's own origin: a foreign one is refused before the token is looked at (auth-origin.test.ts).
    const origin = new URL(ctx.config.appUrl).origin;
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-auth-mode': 'cookie' },
      payload: { email: user.email, password: user.password },
    });
    expect(login.statusCode).toBe(200);
    const jar = Object.fromEntries(login.cookies.map((c) => [c.name, c.value]));
    const cookie = Object.entries(jar)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const noToken = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: { cookie, origin },
      payload: { title: 'csrf' },
    });
    expectProblem(noToken, 403);
    expect(noToken.json().code).toBe('CSRF_FAILED');
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: { cookie, 'x-csrf-token': 'guess', origin },
      payload: { title: 'csrf' },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: { cookie, 'x-csrf-token': jar.csrf_token ?? '', origin },
      payload: { title: 'csrf ok' },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('bodies over 1 MiB → 413 (10 MiB for import); the limit is checked before parsing', async () => {
    const big = JSON.stringify({ title: 'x', description: 'y'.repeat(1024 * 1024) });
    for (const url of ['/api/v1/tasks', '/api/v1/auth/login', '/api/v1/auth/register', '/api/v1/tasks/bulk']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url,
        headers: { ...user.headers, 'content-type': 'application/json' },
        payload: big,
      });
      expectProblem(res, 413);
      expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
    }
    const patch = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/tasks/00000000-0000-4000-8000-000000000000',
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: big,
    });
    expect(patch.statusCode).toBe(413);
    // Just under the limit is not 413 (it is the schema's 400: description over 5,000 characters).
    const under = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ title: 'x', description: 'y'.repeat(1024 * 1024 - 100) }),
    });
    expect(under.statusCode).toBe(400);
    const hugeImport = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/tasks/import',
      headers: { ...user.headers, 'content-type': 'text/csv' },
      payload: `title\n${'z'.repeat(10 * 1024 * 1024)}`,
    });
    expectProblem(hugeImport, 413);
  });
});
