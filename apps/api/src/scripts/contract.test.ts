/**
 * The contract test, derived from the OpenAPI document the server serves (docs/openapi.json; openapi.test.ts keeps
 * them equal). Every operation is called through app.inject — as a signed-in user with real ids (fixtures made
 * first), with inputs generated from the operation's own schemas (security/openapi-arbitraries.ts, a fixed seed)
 * and with a hand-made good input — and then provoked into the errors it documents where that is feasible (401
 * without a token, 403 for a non-admin, 404 on an unknown id, 400 on a bad body, 415 on a wrong media type, 413 on
 * a body over the limit, 412 on a wrong If-Match, 409 on a taken email, 304 on a matching If-None-Match).
 *
 * Each answer is checked: its status is documented for that operation, and its body matches the documented schema
 * for its media type (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it) — Problem bodies for errors, an empty body
 * for 204, a Location for 302. The test asserts 0 undocumented (operation, status) pairs and 0 body mismatches,
 * that every operation was answered with a success at least once, and shows the check failing on a copy of the
 * document with one observed response removed.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, drivers, RATE_LIMITS_OFF, type TestContext } from '../test/context';
import { MemoryMailer } from '../infra/mail/mailer';
import { createUser, DEFAULT_PASSWORD, type TestUser } from '../test/factories';
import { sampleSubscriptionBody, testVapidKeys } from '../test/push-receiver';
import { SoftAuthenticator } from '../test/soft-authenticator';
import { type JsonSchema, operationsOf, validValue } from '../security/openapi-arbitraries';

type Json = Record<string, unknown>;
type Response = { $ref?: string; content?: Record<string, { schema?: Json }>; headers?: Json };
type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  components: { schemas?: Json; responses?: Record<string, Response> };
};

/** One answer the server gave. */
export interface Observation {
  /** `get /api/v1/tasks/{id}` */
  operation: string;
  /** What was sent, for the report. */
  what: string;
  status: number;
  contentType: string;
  body: string;
  location?: string | undefined;
}

const SAMPLES_PER_OPERATION = 3;
const SEED = 1414;

/** A validator of answers against one document: undocumented statuses and body mismatches. */
export function contractChecker(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  const BASE = 'https://contract.test/openapi.json';
  ajv.addSchema({ $id: BASE, components: doc.components });
  const absolute = (schema: unknown) =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${BASE}#/components/`)) as Json;
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (key: string, schema: Json) => {
    let v = compiled.get(key);
    if (!v) {
      v = ajv.compile(absolute(schema));
      compiled.set(key, v);
    }
    return v;
  };
  const resolve = (r: Response): Response =>
    r.$ref ? (doc.components.responses?.[r.$ref.replace('#/components/responses/', '')] ?? {}) : r;

  /** Problems with one observation: undefined when it is as documented. */
  function check(o: Observation): { undocumented?: true; mismatch?: string } {
    const [method, path] = o.operation.split(' ') as [string, string];
    const documented = doc.paths[path]?.[method]?.responses ?? {};
    const raw = documented[String(o.status)];
    if (!raw) return { undocumented: true };
    const response = resolve(raw);
    if (o.status === 204 || o.status === 304) {
      return o.body === '' ? {} : { mismatch: `${o.status} with a body: ${o.body.slice(0, 80)}` };
    }
    if (o.status >= 300 && o.status < 400 && response.headers?.Location) {
      return o.location ? {} : { mismatch: `${o.status} without a Location` };
    }
    const media = o.contentType.split(';')[0]?.trim() ?? '';
    const content = response.content ?? {};
    if (!(media in content)) {
      return { mismatch: `answered ${media || 'no content type'}, documented ${Object.keys(content).join(', ')}` };
    }
    const schema = content[media]?.schema;
    if (!schema) return {};
    let value: unknown = o.body;
    if (media.endsWith('json')) {
      try {
        value = JSON.parse(o.body);
      } catch {
        return { mismatch: `not JSON: ${o.body.slice(0, 80)}` };
      }
    }
    const validate = validatorFor(`${o.operation} ${o.status} ${media}`, schema);
    if (validate(value)) return {};
    const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`);
    return { mismatch: errors.join('; ') };
  }

  return {
    /** `operation status` pairs answered but not documented, and bodies that do not match their schema. */
    report(observations: Observation[]) {
      const undocumented = new Set<string>();
      const mismatches: string[] = [];
      for (const o of observations) {
        const result = check(o);
        if (result.undocumented) undocumented.add(`${o.operation} ${o.status}`);
        if (result.mismatch) mismatches.push(`${o.operation} ${o.status} (${o.what}): ${result.mismatch}`);
      }
      return { undocumented: [...undocumented].sort(), mismatches };
    },
  };
}

/** The value fast-check draws first for `arb` with `seed` (deterministic). */
const sample = <T>(arb: fc.Arbitrary<T>, seed: number): T => fc.sample(arb, { seed, numRuns: 1 })[0] as T;

for (const driver of drivers()) {
  describe(`contract: every operation answers as docs/openapi.json says (${driver})`, () => {
    let ctx: TestContext;
    let doc: Doc;
    const observations: Observation[] = [];
    const mailer = new MemoryMailer();

    beforeAll(async () => {
      ctx = await createTestContext(driver, {
        // Push on (VAPID keys), so /push answers its successes; nothing is sent in this suite.
        config: { rateLimit: RATE_LIMITS_OFF, push: { vapid: testVapidKeys(), allowPrivate: false, timeoutMs: 1000 } },
        overrides: { mailer },
      });
      doc = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as Doc;
    });
    afterAll(async () => {
      await ctx?.close();
    });

    /** Sends one request and records its answer. */
    async function call(
      operation: string,
      what: string,
      request: { url: string; headers?: Record<string, string>; payload?: unknown; contentType?: string },
    ): Promise<Observation> {
      const [method] = operation.split(' ') as [string];
      const headers: Record<string, string> = { ...request.headers };
      let payload: string | Buffer | undefined;
      if (request.payload !== undefined) {
        headers['content-type'] = request.contentType ?? 'application/json';
        payload =
          typeof request.payload === 'string' || Buffer.isBuffer(request.payload)
            ? request.payload
            : JSON.stringify(request.payload);
      }
      const stream = operation === 'get /api/v1/events';
      const res = await ctx.app.inject({
        method: method.toUpperCase() as 'GET',
        url: request.url,
        headers,
        ...(payload !== undefined ? { payload } : {}),
        ...(stream ? { payloadAsStream: true } : {}),
      });
      let body = '';
      if (stream && res.statusCode === 200) {
        // An event stream stays open: its status and content type are what there is to check.
        res.stream().destroy();
      } else body = stream ? await streamText(res.stream()) : res.body;
      const observation: Observation = {
        operation,
        what,
        status: res.statusCode,
        contentType: String(res.headers['content-type'] ?? ''),
        body,
        location: res.headers.location as string | undefined,
      };
      observations.push(observation);
      return observation;
    }

    it('every operation, with generated and hand-made input, as a signed-in user with real ids; then its errors', async () => {
      const started = performance.now();
      const admin = await createUser(ctx.platform, { role: 'admin' });
      const operations = operationsOf(doc as never);
      expect(operations.length).toBeGreaterThan(30);
      const taken = await createUser(ctx.platform);

      for (const op of operations) {
        const operation = `${op.method.toLowerCase()} ${op.path}`;
        const isAdmin = op.path.startsWith('/api/v1/admin/');
        // Each operation gets its own user, tasks and second session: one that signs out or deletes itself does
        // not take the others' fixtures with it.
        const user = await createUser(ctx.platform);
        const actor = isAdmin ? admin : user;
        const task = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/tasks',
          headers: user.headers,
          payload: { title: 'contract fixture', tags: ['contract'] },
        });
        expect(task.statusCode).toBe(201);
        const taskId = (task.json() as { data: { id: string } }).data.id;
        const etag = String(task.headers.etag ?? '');
        const inbox = (
          (await ctx.app.inject({ method: 'GET', url: '/api/v1/projects', headers: user.headers })).json() as {
            data: Array<{ id: string; inbox: boolean }>;
          }
        ).data.find((p) => p.inbox)?.id;
        const ids: Record<string, string> = {
          ...(op.path.startsWith('/api/v1/projects/{id}') && inbox ? { [op.path]: inbox } : {}),
          '/api/v1/tasks/{id}': taskId,
          '/api/v1/tasks/{id}/history': taskId,
          '/api/v1/tasks/{id}/comments': taskId,
          '/api/v1/tasks/{id}/restore': taskId,
          '/api/v1/tasks/{id}/skip': taskId,
          '/api/v1/auth/sessions/{id}': user.sessionId,
          '/api/v1/admin/users/{id}': op.path === '/api/v1/admin/users/{id}' ? (await createUser(ctx.platform)).id : '',
        };
        const url = (params: Record<string, string>, query: Record<string, string> = {}) => {
          const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
          const qs = new URLSearchParams(query).toString();
          return qs ? `${path}?${qs}` : path;
        };
        const pathParams = { id: ids[op.path] ?? '', provider: 'example' };
        const auth = op.secured ? actor.headers : {};
        const jsonBody = op.body?.['application/json'];

        // 1. Generated input: query values and a JSON body drawn from the operation's schemas.
        for (let i = 0; i < SAMPLES_PER_OPERATION; i++) {
          const query: Record<string, string> = {};
          for (const p of op.parameters.filter((x) => x.in === 'query')) {
            const value = sample(validValue(p.schema as JsonSchema), SEED + i * 31 + p.name.length);
            if (value === undefined || value === null) continue;
            query[p.name] = Array.isArray(value) ? [...new Set(value)].join(',') : String(value);
          }
          const payload = jsonBody ? sample(validValue(jsonBody), SEED + i) : undefined;
          await call(operation, `generated #${i}`, {
            url: url(pathParams, query),
            headers: auth,
            ...(op.body ? { payload: payload ?? {} } : {}),
          });
        }

        // 2. A hand-made good call: each operation answered with a success at least once.
        const good = await goodCall(operation, { ctx, mailer, user, admin, taken, taskId, etag });
        if (good)
          await call(operation, 'good input', {
            url: url({ ...pathParams, ...good.params }, good.query),
            headers: { ...auth, ...good.headers },
            ...good.body,
          });

        // 3. The documented errors it can be provoked into.
        if (op.secured)
          await call(operation, 'no token', { url: url(pathParams), ...(op.body ? { payload: {} } : {}) });
        if (isAdmin)
          await call(operation, 'not an admin', {
            url: url(pathParams),
            headers: user.headers,
            ...(op.body ? { payload: {} } : {}),
          });
        if (op.path.includes('{id}')) {
          await call(operation, 'unknown id', {
            url: url({ id: '00000000-0000-4000-8000-00000000dead' }),
            headers: auth,
            ...(op.body ? { payload: good?.body?.payload ?? {} } : {}),
          });
          await call(operation, 'malformed id', {
            url: url({ id: 'not-a-uuid' }),
            headers: auth,
            ...(op.body ? { payload: {} } : {}),
          });
        }
        if (op.body) {
          await call(operation, 'bad body', {
            url: url(pathParams),
            headers: auth,
            payload: { 'no such field': [1, 2, 3] },
          });
          await call(operation, 'not JSON', { url: url(pathParams), headers: auth, payload: '{"a":' });
          await call(operation, 'wrong media type', {
            url: url(pathParams),
            headers: auth,
            payload: 'hello',
            contentType: 'text/plain',
          });
          if (operation !== 'post /api/v1/tasks/import') {
            await call(operation, 'body over the limit', {
              url: url(pathParams),
              headers: auth,
              payload: JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }),
            });
          }
        }
        if (/^(patch|put|delete) \/api\/v1\/tasks\/\{id\}$/.test(operation)) {
          await call(operation, 'wrong If-Match', {
            url: url(pathParams),
            headers: { ...auth, 'if-match': '"not-the-etag"' },
            ...(op.body ? { payload: { title: 'stale write' } } : {}),
          });
        }
        if (op.method === 'GET' && op.parameters.some((p) => p.name === 'if-none-match')) {
          const first = await ctx.app.inject({ method: 'GET', url: url(pathParams), headers: auth });
          const current = String(first.headers.etag ?? '');
          expect(current, `${operation} sends an ETag`).not.toBe('');
          await call(operation, 'matching If-None-Match', {
            url: url(pathParams),
            headers: { ...auth, 'if-none-match': current },
          });
        }
      }
      // A problem's bounds (at most 100 field errors, each path at most 200 characters) hold for a body of 150
      // unknown fields with long names: ajv checks the 400 against Problem's maxItems and maxLength.
      await call('post /api/v1/tasks', '150 unknown fields with long names', {
        url: '/api/v1/tasks',
        headers: taken.headers,
        payload: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`${'k'.repeat(300)}${i}`, i])),
      });
      // Passkeys: a software authenticator (test/soft-authenticator.ts) makes real attestations and assertions, so
      // register, rename, passwordless sign-in and delete each succeed once (on a user of their own: adding and
      // deleting a passkey revoke the other sessions).
      {
        const pk = await createUser(ctx.platform);
        const authn = new SoftAuthenticator(ctx.config.webauthn.rpId, ctx.config.webauthn.origins[0] ?? '');
        const options = (
          await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/passkeys/options', headers: pk.headers })
        ).json().data;
        const reg = await call('post /api/v1/auth/passkeys', 'a real attestation', {
          url: '/api/v1/auth/passkeys',
          headers: pk.headers,
          payload: { credential: authn.create(options), name: 'Contract key' },
        });
        const id = (JSON.parse(reg.body) as { data: { id: string } }).data.id;
        await call('patch /api/v1/auth/passkeys/{id}', 'rename', {
          url: `/api/v1/auth/passkeys/${id}`,
          headers: pk.headers,
          payload: { name: 'Renamed key' },
        });
        const loginOptions = (
          await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/passkeys/login/options', payload: {} })
        ).json().data;
        await call('post /api/v1/auth/passkeys/login', 'a real assertion', {
          url: '/api/v1/auth/passkeys/login',
          payload: { credential: authn.get(loginOptions) },
        });
        await call('delete /api/v1/auth/passkeys/{id}', 'delete', {
          url: `/api/v1/auth/passkeys/${id}`,
          headers: pk.headers,
        });
      }
      // 409s: an email change to a taken address; an Idempotency-Key reused with another body.
      const mover = await createUser(ctx.platform);
      await call('patch /api/v1/users/me', 'a taken email', {
        url: '/api/v1/users/me',
        headers: mover.headers,
        payload: { email: taken.email, currentPassword: DEFAULT_PASSWORD },
      });
      for (const title of ['first body', 'another body']) {
        await call('post /api/v1/tasks', `Idempotency-Key reused (${title})`, {
          url: '/api/v1/tasks',
          headers: { ...mover.headers, 'idempotency-key': `contract-${mover.id}` },
          payload: { title },
        });
      }
      await call('post /api/v1/auth/register', 'a taken email', {
        url: '/api/v1/auth/register',
        payload: { name: 'Taken', email: taken.email, password: 'violet staple orbit lantern' },
      });

      const { undocumented, mismatches } = contractChecker(doc).report(observations);
      const statuses = new Set(observations.map((o) => `${o.operation} ${o.status}`));
      console.log(
        `contract (${driver}): ${operations.length} operations, ${observations.length} answers, ` +
          `${statuses.size} distinct (operation, status) pairs, ${undocumented.length} undocumented, ` +
          `${mismatches.length} body mismatches, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(undocumented, 'answered statuses the document does not list').toEqual([]);
      expect(mismatches, 'answers whose body does not match the documented schema').toEqual([]);
      const succeeded = new Set(observations.filter((o) => o.status < 400).map((o) => o.operation));
      const never = operations.map((o) => `${o.method.toLowerCase()} ${o.path}`).filter((k) => !succeeded.has(k));
      // OIDC is not configured in tests: its routes can only answer their documented 404. The second round's
      // operations in AWAITING_GOOD_CALL have no hand-made good call yet: every status they answered above is
      // still checked against the document; only "succeeded at least once" waits for their fixtures. An entry
      // that succeeds, or names no operation, fails here, so the list only shrinks.
      expect(never.filter((k) => !k.includes('/oidc/{provider}/') && !AWAITING_GOOD_CALL.has(k))).toEqual([]);
      const known = new Set(operations.map((o) => `${o.method.toLowerCase()} ${o.path}`));
      expect([...AWAITING_GOOD_CALL].filter((k) => !known.has(k) || succeeded.has(k))).toEqual([]);
      for (const status of [400, 401, 403, 404, 412, 413, 415]) {
        expect(
          [...statuses].some((s) => s.endsWith(` ${status}`)),
          `some answer was ${status}`,
        ).toBe(true);
      }
      for (const pair of [
        'post /api/v1/auth/register 409',
        'patch /api/v1/users/me 409',
        'post /api/v1/tasks 409',
        'get /api/v1/tasks 304',
        'get /api/v1/tasks/{id} 304',
      ]) {
        expect(statuses.has(pair), `answered ${pair}`).toBe(true);
      }
    }, 120_000);

    it('fails on a copy of the document with one answered status removed, and on a body that breaks its schema', () => {
      expect(observations.length).toBeGreaterThan(0);
      const planted = structuredClone(doc);
      const target = observations.find((o) => o.operation === 'get /api/v1/tasks/{id}' && o.status === 404);
      if (!target) throw new Error('no 404 from GET /api/v1/tasks/{id} was observed');
      delete planted.paths['/api/v1/tasks/{id}']?.get?.responses['404'];
      expect(contractChecker(planted).report(observations).undocumented).toEqual(['get /api/v1/tasks/{id} 404']);

      const ok = observations.find((o) => o.operation === 'get /api/v1/tasks/{id}' && o.status === 200);
      if (!ok) throw new Error('no 200 from GET /api/v1/tasks/{id} was observed');
      const body = JSON.parse(ok.body) as { data: { priority: string } };
      body.data.priority = 'whenever';
      const { mismatches } = contractChecker(doc).report([{ ...ok, body: JSON.stringify(body) }]);
      expect(mismatches.join('\n')).toMatch(/\/data\/priority must be equal to one of the allowed values/);
    });
  });
}

/** Second-round operations whose good call is not written yet (see the check that uses it). */
const AWAITING_GOOD_CALL = new Set<string>([
  'delete /api/v1/auth/mfa/totp',
  'post /api/v1/auth/mfa/totp/confirm',
  'post /api/v1/auth/mfa/verify',
  'delete /api/v1/projects/{id}',
  'patch /api/v1/projects/{id}/members/{userId}',
  'delete /api/v1/projects/{id}/members/{userId}',
  'post /api/v1/projects/{id}/invitations',
  'delete /api/v1/projects/{id}/invitations/{invId}',
  'post /api/v1/invitations/accept',
  'patch /api/v1/tasks/{id}/comments/{commentId}',
  'delete /api/v1/tasks/{id}/comments/{commentId}',
  'patch /api/v1/views/{id}',
  'delete /api/v1/views/{id}',
  'delete /api/v1/tokens/{id}',
  'get /api/v1/calendar/{token}.ics',
]);

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

interface Fixtures {
  ctx: TestContext;
  mailer: MemoryMailer;
  user: TestUser;
  admin: TestUser;
  /** A user whose email is taken (409 on register and on an email change). */
  taken: TestUser;
  taskId: string;
  etag: string;
}

/** The one-time token of the mail to `email` (the link's ?token=), once it has been sent (mail goes after the answer). */
async function mailedToken(mailer: MemoryMailer, email: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const token = /token=([^\s"&<]+)/.exec(mailer.last(email)?.text ?? '')?.[1];
    if (token) return decodeURIComponent(token);
    if (Date.now() > deadline) throw new Error(`no token mailed to ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The input each operation succeeds with (generated input can be refused for reasons no schema states). */
async function goodCall(
  operation: string,
  f: Fixtures,
): Promise<
  | {
      query?: Record<string, string>;
      headers?: Record<string, string>;
      body?: { payload: unknown };
      /** Path parameters besides {id} (a webhook of the caller's inbox, one of its deliveries). */
      params?: Record<string, string>;
    }
  | undefined
> {
  const body = (payload: unknown) => ({ body: { payload } });
  /** A webhook on the caller's inbox (TEST-NET-1 target: nothing is ever sent there). */
  const hook = async (): Promise<{ projectId: string; hookId: string }> => {
    const projects = await f.ctx.app.inject({ method: 'GET', url: '/api/v1/projects', headers: f.user.headers });
    const projectId = (projects.json().data as Array<{ id: string; inbox: boolean }>).find((p) => p.inbox)?.id ?? '';
    const res = await f.ctx.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${projectId}/webhooks`,
      headers: f.user.headers,
      payload: { url: 'https://192.0.2.10/contract', events: ['task.created'] },
    });
    if (res.statusCode !== 201) throw new Error(`webhook create answered ${res.statusCode}`);
    return { projectId, hookId: res.json().data.id as string };
  };
  switch (operation) {
    case 'post /api/v1/auth/register':
      return body({
        name: 'Contract',
        email: `contract-${f.user.id}@example.test`,
        password: 'violet staple orbit lantern',
      });
    case 'post /api/v1/auth/login':
      return body({ email: f.user.email, password: DEFAULT_PASSWORD });
    case 'post /api/v1/auth/refresh':
    case 'post /api/v1/auth/logout':
      return body({ refreshToken: f.user.refreshToken });
    case 'post /api/v1/auth/forgot-password':
      return body({ email: f.user.email });
    case 'post /api/v1/auth/password':
      return body({ currentPassword: DEFAULT_PASSWORD, newPassword: 'violet staple orbit lantern' });
    case 'delete /api/v1/users/me':
      return body({ password: DEFAULT_PASSWORD });
    case 'patch /api/v1/users/me':
      return body({ name: 'Contract User', timezone: 'Europe/Paris' });
    case 'patch /api/v1/users/me/preferences':
      return body({ remindersEnabled: false });
    case 'patch /api/v1/admin/users/{id}':
      return body({ role: 'admin' });
    case 'post /api/v1/tasks':
      return body({ title: 'good', tags: ['a'], dueDate: '2031-01-02T03:04:05Z' });
    case 'put /api/v1/tasks/{id}':
      return { headers: { 'if-match': f.etag }, ...body({ title: 'replaced' }) };
    case 'patch /api/v1/tasks/{id}':
      return { headers: { 'if-match': f.etag }, ...body({ status: 'completed' }) };
    case 'delete /api/v1/tasks/{id}':
      return { headers: { 'if-match': f.etag } };
    case 'post /api/v1/tasks/bulk':
      return body({ action: 'update', ids: [f.taskId], patch: { priority: 'high' } });
    case 'post /api/v1/tasks/import':
      return body([{ title: 'imported' }]);
    case 'get /api/v1/tasks/export':
      return { query: { format: 'csv' } };
    case 'post /api/v1/tasks/{id}/comments':
      return body({ body: 'A **contract** comment' });
    case 'post /api/v1/views':
      return body({ name: 'Urgent', query: 'priority=urgent&sort=-createdAt' });
    case 'post /api/v1/tasks/{id}/skip': {
      // Skippable once it repeats.
      const made = await f.ctx.app.inject({
        method: 'PATCH',
        url: `/api/v1/tasks/${f.taskId}`,
        headers: f.user.headers,
        payload: { dueDate: '2031-01-06T09:00:00Z', recurrence: { rule: 'FREQ=WEEKLY', mode: 'due' } },
      });
      if (made.statusCode !== 200) throw new Error(`making it recurring answered ${made.statusCode}`);
      return {};
    }
    case 'post /api/v1/tasks/{id}/restore': {
      // Restorable once deleted.
      const gone = await f.ctx.app.inject({
        method: 'DELETE',
        url: `/api/v1/tasks/${f.taskId}`,
        headers: { ...f.user.headers, 'if-match': f.etag },
      });
      if (gone.statusCode !== 204) throw new Error(`delete answered ${gone.statusCode}`);
      return {};
    }
    case 'post /api/v1/auth/reset-password': {
      const sent = await f.ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/forgot-password',
        payload: { email: f.user.email },
      });
      if (sent.statusCode !== 202) throw new Error(`forgot-password answered ${sent.statusCode}`);
      return body({ token: await mailedToken(f.mailer, f.user.email), password: 'violet staple orbit lantern' });
    }
    case 'post /api/v1/auth/verify-email': {
      const unverified = await createUser(f.ctx.platform, { emailVerified: false });
      const sent = await f.ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/resend-verification',
        headers: unverified.headers,
      });
      if (sent.statusCode !== 202) throw new Error(`resend-verification answered ${sent.statusCode}`);
      return body({ token: await mailedToken(f.mailer, unverified.email) });
    }
    case 'post /api/v1/push/subscriptions':
      return body(sampleSubscriptionBody());
    case 'delete /api/v1/push/subscriptions/{id}': {
      const made = await f.ctx.app.inject({
        method: 'POST',
        url: '/api/v1/push/subscriptions',
        headers: f.user.headers,
        payload: sampleSubscriptionBody(),
      });
      if (made.statusCode !== 201) throw new Error(`push subscribe answered ${made.statusCode}`);
      return { params: { id: made.json().data.id as string } };
    }
    case 'post /api/v1/projects/{id}/webhooks':
      return body({ url: 'https://192.0.2.10/contract', events: ['task.created', 'comment.created'] });
    case 'patch /api/v1/projects/{id}/webhooks/{hookId}':
      return { params: { hookId: (await hook()).hookId }, ...body({ active: false }) };
    case 'delete /api/v1/projects/{id}/webhooks/{hookId}':
    case 'get /api/v1/projects/{id}/webhooks/{hookId}/deliveries':
      return { params: { hookId: (await hook()).hookId } };
    case 'post /api/v1/projects/{id}/webhooks/{hookId}/deliveries/{deliveryId}/redeliver': {
      // A delivery written as the outbox relay would, then the webhook switched off (nothing is dispatched).
      const { projectId, hookId } = await hook();
      const webhooks = f.ctx.modules.webhooks.service;
      if (!webhooks) throw new Error('no webhooks service');
      await webhooks.enqueue(f.ctx.database.db, [
        { event: 'task.created', projectId, orderKey: f.taskId, data: { id: f.taskId } },
      ]);
      await webhooks.update(f.user.id, projectId, hookId, { active: false });
      const [delivery] = await webhooks.deliveries(f.user.id, projectId, hookId);
      if (!delivery) throw new Error('no delivery written');
      return { params: { hookId, deliveryId: delivery.id } };
    }
    default:
      return {};
  }
}
