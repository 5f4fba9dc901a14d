/**
 * The served OpenAPI document's shape (plugins/openapi.ts): operationIds, tags, summaries, no trailing slashes,
 * `security: []` on public operations, 204/302/file/event-stream answers and the shared Problem errors — each check
 * shown failing on a planted fault — and the server still answering what the document says (both slash forms,
 * 204 where the document says 204).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, bearer, register } from '../test/auth-http';
import { createTestContext, drivers, type TestContext } from '../test/context';
import { PASSWORD_MAX, TAGS_MAX } from '@primetrade/shared';
import { finishOpenapi } from './openapi';

type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; tags?: { name: string }[] };

const PUBLIC = new Set([
  'post /api/v1/auth/register',
  'post /api/v1/auth/login',
  'post /api/v1/auth/refresh',
  'post /api/v1/auth/logout',
  'post /api/v1/auth/forgot-password',
  'post /api/v1/auth/reset-password',
  'post /api/v1/auth/verify-email',
  'get /api/v1/auth/oidc/providers',
  'get /api/v1/auth/oidc/{provider}/start',
  'get /api/v1/auth/oidc/{provider}/callback',
  // The second sign-in step: its credential is the login's challenge in the body.
  'post /api/v1/auth/mfa/verify',
  // Passkey sign-in: the credential is the WebAuthn assertion (and, as a second factor, the login's challenge).
  'post /api/v1/auth/passkeys/login/options',
  'post /api/v1/auth/passkeys/login',
  // Public facts for signed-out pages (whether mail is sent).
  'get /api/v1/server-info',
  // The iCal feed: the secret URL is the credential (calendar apps send no header).
  'get /api/v1/calendar/{token}.ics',
]);

/** What is wrong with the document's shape; [] when nothing is. */
function shapeProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const declaredTags = new Set((doc.tags ?? []).map((t) => t.name));
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (path.length > 1 && path.endsWith('/')) problems.push(`${path}: trailing slash`);
    for (const [method, op] of Object.entries(operations)) {
      const at = `${method} ${path}`;
      if (!op.operationId) problems.push(`${at}: no operationId`);
      else if (ids.has(op.operationId)) problems.push(`${at}: operationId ${op.operationId} twice`);
      else ids.add(op.operationId);
      if (!op.summary) problems.push(`${at}: no summary`);
      if (!op.tags?.length || !op.tags.every((t) => declaredTags.has(t))) problems.push(`${at}: no declared tag`);
      if (!Array.isArray(op.security)) problems.push(`${at}: no security`);
      else if (PUBLIC.has(at) !== (op.security.length === 0))
        problems.push(`${at}: security ${JSON.stringify(op.security)}`);
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => /^[23]/.test(s))) problems.push(`${at}: no success answer`);
      if (op.responses['200'] && !op.responses['200'].content) problems.push(`${at}: 200 without a body`);
      for (const status of ['429', '503']) {
        if (!op.responses[status]?.$ref) problems.push(`${at}: ${status} not a shared Problem response`);
      }
      if (op.security?.length && !op.responses['401']) problems.push(`${at}: secured but no 401`);
    }
  }
  return problems;
}

describe.each(drivers())('OpenAPI document shape and the server behind it (%s)', (driver) => {
  let ctx: TestContext;
  let doc: Doc;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
    doc = (await ctx.app.inject({ method: 'GET', url: `${API}/openapi.json` })).json();
  });
  afterAll(() => ctx?.close());

  it('every operation: operationId, declared tag, summary, security, shared errors; no trailing slash', () => {
    expect(shapeProblems(doc)).toEqual([]);
  });

  it('the shape check fails on planted faults', () => {
    const planted: Doc = structuredClone(doc);
    const tasks = planted.paths['/api/v1/tasks'] as Record<string, Operation>;
    delete (tasks.get as Operation).operationId;
    delete (tasks.post as Operation).responses['429'];
    const login = planted.paths['/api/v1/auth/login'] as Record<string, Operation>;
    delete (login.post as Operation).security;
    planted.paths['/api/v1/events/'] = planted.paths['/api/v1/events'] as Record<string, Operation>;
    delete planted.paths['/api/v1/events'];
    expect(shapeProblems(planted).sort()).toEqual([
      '/api/v1/events/: trailing slash',
      'get /api/v1/tasks: no operationId',
      'post /api/v1/auth/login: no security',
      'post /api/v1/tasks: 429 not a shared Problem response',
    ]);
    // …and finishOpenapi repairs a raw document with those faults.
    expect(shapeProblems(finishOpenapi(planted as never) as Doc)).toEqual([]);
  });

  it('special answers: 204, OIDC 302, export as CSV or JSON, events as text/event-stream, 429 with RateLimit headers', () => {
    const op = (method: string, path: string) => doc.paths[path]?.[method] as Operation;
    expect(Object.keys(op('delete', '/api/v1/tasks/{id}').responses)).toContain('204');
    expect(Object.keys(op('post', '/api/v1/auth/logout').responses)).toContain('204');
    expect(Object.keys(op('get', '/api/v1/auth/oidc/{provider}/start').responses)).toContain('302');
    expect(Object.keys(op('get', '/api/v1/tasks/export').responses['200']?.content ?? {})).toEqual([
      'text/csv',
      'application/json',
    ]);
    expect(Object.keys(op('get', '/api/v1/events').responses['200']?.content ?? {})).toEqual(['text/event-stream']);
    const components = (doc as unknown as { components: { responses: Record<string, { headers: object }> } })
      .components;
    expect(Object.keys(components.responses.RateLimited?.headers ?? {})).toEqual([
      'Access-Control-Allow-Origin',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
    ]);
  });

  it('the server answers both /api/v1/tasks and /api/v1/tasks/ (and the events pair) as before', async () => {
    const { body } = await register(ctx);
    const auth = bearer(body.data.accessToken);
    for (const url of [`${API}/tasks`, `${API}/tasks/`]) {
      expect((await ctx.app.inject({ method: 'GET', url, headers: auth })).statusCode, url).toBe(200);
    }
    for (const url of [`${API}/events`, `${API}/events/`, `${API}/tasks`, `${API}/tasks/`]) {
      expect((await ctx.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
    // The check can tell: a path the server does not route is a 404.
    expect((await ctx.app.inject({ method: 'GET', url: `${API}/taskz/` })).statusCode).toBe(404);
  });

  it('a route documented as 204 answers 204', async () => {
    const { body } = await register(ctx);
    const auth = bearer(body.data.accessToken);
    const created = await ctx.app.inject({
      method: 'POST',
      url: `${API}/tasks`,
      headers: auth,
      payload: { title: 'documented' },
    });
    expect(created.statusCode).toBe(201);
    const removed = await ctx.app.inject({
      method: 'DELETE',
      url: `${API}/tasks/${created.json().data.id}`,
      headers: auth,
    });
    expect(removed.statusCode).toBe(204);
  });

  it('a public sign-in route documents the 401 it answers', async () => {
    const login = doc.paths['/api/v1/auth/login']?.post as Operation;
    expect(login.responses['401']?.$ref).toBe('#/components/responses/Problem');
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: `${API}/auth/login`,
      payload: { email: 'nobody@example.test', password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(401);
  });

  /** Where the document's bounds on GET /tasks' query and the server disagree; [] when they agree. */
  async function queryBoundProblems(document: Doc, headers: Record<string, string>): Promise<string[]> {
    type Param = { name: string; in: string; schema: { type?: string; maximum?: number; items?: { enum?: string[] } } };
    const params = (
      (document.paths['/api/v1/tasks'] as Record<string, unknown>).get as unknown as { parameters: Param[] }
    ).parameters;
    const problems: string[] = [];
    const status = async (query: string) =>
      (await ctx.app.inject({ method: 'GET', url: `${API}/tasks?${query}`, headers })).statusCode;
    for (const p of params.filter((x) => x.in === 'query')) {
      if (p.schema.type === 'integer' && p.schema.maximum !== undefined) {
        if ((await status(`${p.name}=${p.schema.maximum}`)) !== 200) problems.push(`${p.name}: maximum refused`);
        if ((await status(`${p.name}=${p.schema.maximum + 1}`)) !== 400)
          problems.push(`${p.name}: above maximum taken`);
      }
      const values = p.schema.items?.enum;
      if (values) {
        if ((await status(`${p.name}=${values.join(',')}`)) !== 200) problems.push(`${p.name}: enum list refused`);
        if ((await status(`${p.name}=${values[0]},bogus`)) !== 400) problems.push(`${p.name}: non-enum value taken`);
      }
    }
    return problems;
  }

  it('request schemas are as strict as the server: query bounds and enums, password length, tag count', async () => {
    const { body } = await register(ctx);
    const auth = bearer(body.data.accessToken);
    const params = (
      (doc.paths['/api/v1/tasks'] as Record<string, unknown>).get as unknown as {
        parameters: { name: string; schema: object }[];
      }
    ).parameters;
    expect(params.find((p) => p.name === 'limit')?.schema).toEqual({
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 100,
    });
    expect(params.find((p) => p.name === 'status')?.schema).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(await queryBoundProblems(doc, auth)).toEqual([]);
    // A document looser (or stricter) than the server is caught.
    const planted: Doc = structuredClone(doc);
    const plantedParams = (
      (planted.paths['/api/v1/tasks'] as Record<string, unknown>).get as unknown as {
        parameters: { name: string; schema: { maximum?: number } }[];
      }
    ).parameters;
    const limit = plantedParams.find((p) => p.name === 'limit');
    if (limit) limit.schema.maximum = 500;
    expect(await queryBoundProblems(planted, auth)).toEqual(['limit: maximum refused']);

    type Body = {
      requestBody: {
        content: {
          'application/json': { schema: { properties: Record<string, { maxLength?: number; maxItems?: number }> } };
        };
      };
    };
    const bodyOf = (method: string, path: string) =>
      ((doc.paths[path] as Record<string, unknown>)[method] as Body).requestBody.content['application/json'].schema
        .properties;
    expect(bodyOf('post', '/api/v1/auth/register').password?.maxLength).toBe(PASSWORD_MAX);
    const tooLong = await register(ctx, { password: 'p'.repeat(PASSWORD_MAX + 1) });
    expect(tooLong.res.statusCode).toBe(400);
    // The longest accepted password (a repeated letter would fail the strength rule, not the length).
    const words = 'violet staple orbit lantern amber quiet harbour kettle mossy granite fjord tulip cobalt whistle ';
    const longest = `${words}${words.toUpperCase()}`.slice(0, PASSWORD_MAX);
    expect((await register(ctx, { password: longest })).res.statusCode).toBe(201);
    expect(bodyOf('post', '/api/v1/tasks').tags?.maxItems).toBe(TAGS_MAX);
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
    const post = (n: number) =>
      ctx.app.inject({ method: 'POST', url: `${API}/tasks`, headers: auth, payload: { title: 'x', tags: tags(n) } });
    expect((await post(TAGS_MAX)).statusCode).toBe(201);
    expect((await post(TAGS_MAX + 1)).statusCode).toBe(400);
  });
});
