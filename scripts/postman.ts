/**
 * Writes the Postman collection and its environment from the OpenAPI document (docs/openapi.json):
 *
 *   docs/postman/primetrade-tasks.postman_collection.json   one request per operation, in folders by tag
 *   docs/postman/local.postman_environment.json             baseUrl, the account's email and password, admin
 *
 * The requests, their names (the operation's summary), descriptions, methods, paths and headers come from the
 * document; PLAN below gives the order (sign-in and the reads first, what destroys state later, logout last), the
 * sample inputs, the status each request expects and the ids each one captures for the next (test scripts). The
 * collection signs in by itself: its pre-request script registers the account once (a 409 means it exists), then
 * logs in and keeps the access token, which every request sends as its Bearer token.
 *
 *   npm run postman              write both files
 *   npm run postman -- --check   exit 1 when the committed files differ (postman.test.ts does it in npm test)
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_PATH = path.join(ROOT, 'docs/openapi.json');
export const COLLECTION_PATH = path.join(ROOT, 'docs/postman/primetrade-tasks.postman_collection.json');
export const ENVIRONMENT_PATH = path.join(ROOT, 'docs/postman/local.postman_environment.json');

type Json = Record<string, unknown>;
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { in: string; name: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, unknown> };
  responses: Record<string, unknown>;
}
interface OpenApi {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

/** What one request sends, expects and captures. */
interface Step {
  /** Path parameters → the variable that holds a real id. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** The status the test expects; a list means any of them (OIDC: 404 when no provider is configured). */
  expect: number | number[];
  /** Postman test-script lines that run after the status check (`body` is the parsed JSON, when there is one). */
  capture?: string[];
  /** Sent with this Bearer token instead of the signed-in account's. */
  token?: string;
  /** Admin-only: expects 403 unless the environment says admin=true. */
  admin?: true;
  name?: string;
}

const OTHER_PASSWORD = 'violet staple orbit lantern';

/** The run, in order: `method path` → steps (an operation may run more than once). */
export const PLAN: [string, Step][] = [
  [
    'post /api/v1/auth/register',
    {
      body: { name: 'Postman Other', email: 'postman-other-{{$guid}}@example.test', password: OTHER_PASSWORD },
      expect: 201,
      capture: [
        "pm.collectionVariables.set('otherUserId', body.data.user.id);",
        "pm.collectionVariables.set('otherUserToken', body.data.accessToken);",
      ],
      name: 'Register another account (its id and token are used by the admin and account-deletion requests)',
    },
  ],
  ['post /api/v1/auth/login', { body: { email: '{{email}}', password: '{{password}}' }, expect: 200 }],
  [
    'post /api/v1/auth/refresh',
    {
      body: { refreshToken: '{{refreshToken}}' },
      expect: 200,
      capture: [
        '// Refresh tokens rotate: keep the new pair.',
        "pm.collectionVariables.set('refreshToken', body.data.refreshToken);",
        "pm.collectionVariables.set('accessToken', body.data.accessToken);",
      ],
    },
  ],
  ['get /api/v1/auth/me', { expect: 200 }],
  ['get /api/v1/users/me', { expect: 200 }],
  [
    'get /api/v1/auth/sessions',
    {
      expect: 200,
      capture: [
        '// The session of the Login request above: not the current one.',
        'const other = body.data.find((s) => !s.current);',
        "pm.expect(other, 'a session besides the current one').to.be.an('object');",
        "pm.collectionVariables.set('sessionId', other.id);",
      ],
    },
  ],
  ['delete /api/v1/auth/sessions/{id}', { params: { id: 'sessionId' }, expect: 204 }],
  ['get /api/v1/auth/oidc/providers', { expect: 200 }],
  ['get /api/v1/auth/oidc/{provider}/start', { params: { provider: 'oidcProvider' }, expect: [302, 404] }],
  [
    'get /api/v1/auth/oidc/{provider}/callback',
    { params: { provider: 'oidcProvider' }, query: { code: 'x', state: 'x' }, expect: [302, 400, 404] },
  ],
  ['post /api/v1/auth/forgot-password', { body: { email: '{{email}}' }, expect: 202 }],
  [
    'post /api/v1/auth/reset-password',
    {
      body: { token: 'not-a-mailed-token', password: OTHER_PASSWORD },
      expect: 400,
      name: 'Reset password (a made-up token: 400)',
    },
  ],
  [
    'post /api/v1/auth/verify-email',
    { body: { token: 'not-a-mailed-token' }, expect: 400, name: 'Verify email (a made-up token: 400)' },
  ],
  ['post /api/v1/auth/resend-verification', { expect: 202 }],
  [
    'post /api/v1/tasks',
    {
      headers: { 'Idempotency-Key': '{{$guid}}' },
      body: {
        title: 'Written from Postman',
        description: 'Created by the collection',
        priority: 'high',
        dueDate: '2031-01-02T09:00:00Z',
        tags: ['postman'],
      },
      expect: 201,
      capture: ["pm.collectionVariables.set('taskId', body.data.id);"],
    },
  ],
  ['get /api/v1/tasks', { query: { status: 'pending,in_progress', sort: '-createdAt', limit: '20' }, expect: 200 }],
  [
    'post /api/v1/tasks/bulk',
    { body: { action: 'update', ids: ['{{taskId}}'], patch: { priority: 'urgent' } }, expect: 200 },
  ],
  [
    'get /api/v1/tasks/{id}',
    {
      params: { id: 'taskId' },
      expect: 200,
      capture: ["pm.collectionVariables.set('taskEtag', pm.response.headers.get('ETag'));"],
    },
  ],
  [
    'patch /api/v1/tasks/{id}',
    {
      params: { id: 'taskId' },
      headers: { 'If-Match': '{{taskEtag}}' },
      body: { status: 'in_progress' },
      expect: 200,
      capture: ["pm.collectionVariables.set('taskEtag', pm.response.headers.get('ETag'));"],
    },
  ],
  [
    'put /api/v1/tasks/{id}',
    {
      params: { id: 'taskId' },
      headers: { 'If-Match': '{{taskEtag}}' },
      body: { title: 'Replaced from Postman', status: 'completed', tags: ['postman'] },
      expect: 200,
      capture: ["pm.collectionVariables.set('taskEtag', pm.response.headers.get('ETag'));"],
    },
  ],
  ['get /api/v1/tasks/{id}/history', { params: { id: 'taskId' }, expect: 200 }],
  ['get /api/v1/tasks/stats', { expect: 200 }],
  ['get /api/v1/tasks/stats/overview', { expect: 200 }],
  ['get /api/v1/tasks/export', { query: { format: 'json' }, expect: 200 }],
  ['post /api/v1/tasks/import', { body: [{ title: 'Imported from Postman', tags: ['postman'] }], expect: 200 }],
  ['delete /api/v1/tasks/{id}', { params: { id: 'taskId' }, headers: { 'If-Match': '{{taskEtag}}' }, expect: 204 }],
  ['patch /api/v1/users/me', { body: { name: 'Postman User', timezone: 'Europe/Paris' }, expect: 200 }],
  ['get /api/v1/users/me/preferences', { expect: 200 }],
  ['patch /api/v1/users/me/preferences', { body: { remindersEnabled: true, reminderLeadMinutes: 60 }, expect: 200 }],
  ['get /api/v1/admin/users', { query: { q: 'postman', page: '1', limit: '20' }, expect: 200, admin: true }],
  [
    'patch /api/v1/admin/users/{id}',
    { params: { id: 'otherUserId' }, body: { role: 'user', isActive: true }, expect: 200, admin: true },
  ],
  ['get /api/v1/admin/stats', { expect: 200, admin: true }],
  ['get /api/v1/admin/jobs', { expect: 200, admin: true }],
  [
    'delete /api/v1/users/me',
    {
      token: '{{otherUserToken}}',
      body: { password: OTHER_PASSWORD },
      expect: 204,
      name: 'Delete my account (the other account registered above)',
    },
  ],
  [
    'post /api/v1/auth/password',
    {
      body: { currentPassword: '{{password}}', newPassword: '{{password}} (changed)' },
      expect: 204,
      name: 'Change password',
    },
  ],
  [
    'post /api/v1/auth/password',
    {
      body: { currentPassword: '{{password}} (changed)', newPassword: '{{password}}' },
      expect: 204,
      name: 'Change password back (so that the environment still signs in)',
    },
  ],
  ['post /api/v1/auth/logout-all', { expect: 204 }],
  ['post /api/v1/auth/logout', { body: { refreshToken: '{{refreshToken}}' }, expect: 204, name: 'Sign out (last)' }],
];

/**
 * Operations left out, and why: an event stream never ends, so a request runner cannot wait for its answer
 * (`curl -N` or a browser's EventSource show it).
 */
export const LEFT_OUT: Record<string, string> = {
  'get /api/v1/events': 'a server-sent event stream stays open; use curl -N or EventSource',
};

/** The collection-level pre-request script: sign in once per run. */
const SIGN_IN = [
  '// Signs in once per run: registers the account of the environment (a 409 means it exists already), then logs in',
  '// and keeps the access token (sent as the Bearer token of every request) and the refresh token.',
  "if (!pm.collectionVariables.get('accessToken')) {",
  "  const base = pm.variables.get('baseUrl');",
  "  const account = { email: pm.variables.get('email'), password: pm.variables.get('password') };",
  '  const post = (path, body, then) =>',
  '    pm.sendRequest(',
  "      { url: base + path, method: 'POST', header: { 'Content-Type': 'application/json' },",
  "        body: { mode: 'raw', raw: JSON.stringify(body) } },",
  '      (err, res) => { if (err) throw err; then(res); },',
  '    );',
  "  post('/api/v1/auth/register', { name: 'Postman', ...account }, (registered) => {",
  '    if (registered.code !== 201 && registered.code !== 409) {',
  "      throw new Error('register answered ' + registered.code + ': ' + registered.text());",
  '    }',
  "    post('/api/v1/auth/login', account, (res) => {",
  "      if (res.code !== 200) throw new Error('login answered ' + res.code + ': ' + res.text());",
  '      const data = res.json().data;',
  "      pm.collectionVariables.set('accessToken', data.accessToken);",
  "      pm.collectionVariables.set('refreshToken', data.refreshToken);",
  '    });',
  '  });',
  '}',
];

/** A stable id from a name (Postman wants ids; the file must not change between two generations). */
const idOf = (name: string) => {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

function testScript(key: string, step: Step, n: number): string[] {
  const statuses = Array.isArray(step.expect) ? step.expect : [step.expect];
  const lines = step.admin
    ? [
        "const expected = pm.variables.get('admin') === 'true' ? 200 : 403;",
        "pm.test('status ' + expected + ' (200 for an admin, else 403)', () => pm.response.to.have.status(expected));",
      ]
    : statuses.length === 1
      ? [`pm.test('status ${statuses[0]}', () => pm.response.to.have.status(${statuses[0]}));`]
      : [
          `pm.test('status one of ${statuses.join(', ')}', () => pm.expect([${statuses.join(', ')}]).to.include(pm.response.code));`,
        ];
  lines.push(
    "const type = pm.response.headers.get('Content-Type') || '';",
    "if (type.includes('json') && pm.response.code !== 204) {",
    '  const body = pm.response.json();',
    '  if (pm.response.code >= 400) {',
    "    pm.test('a Problem body (application/problem+json, with its code)', () => {",
    "      pm.expect(type).to.include('application/problem+json');",
    "      pm.expect(body.code).to.be.a('string');",
    '    });',
    '  } else if (!Array.isArray(body)) {',
    "    pm.test('the envelope says success', () => pm.expect(body.success).to.equal(true));",
    '  }',
  );
  if (step.capture && !step.admin) lines.push(...step.capture.map((l) => `  ${l}`));
  if (step.capture && step.admin)
    lines.push('  if (pm.response.code === 200) {', ...step.capture.map((l) => `    ${l}`), '  }');
  lines.push('}');
  return [`// ${key} (step ${n})`, ...lines];
}

function requestOf(doc: OpenApi, key: string, step: Step, n: number): Json {
  const [method, apiPath] = key.split(' ') as [string, string];
  const op = doc.paths[apiPath]?.[method];
  if (!op) throw new Error(`${key} is in PLAN but not in the OpenAPI document`);
  const segments = apiPath
    .split('/')
    .filter(Boolean)
    .map((s) => {
      const param = /^\{(\w+)\}$/.exec(s)?.[1];
      if (!param) return s;
      const variable = step.params?.[param];
      if (!variable) throw new Error(`${key}: PLAN names no variable for {${param}}`);
      return `{{${variable}}}`;
    });
  const query = Object.entries(step.query ?? {}).map(([k, value]) => ({ key: k, value }));
  const queryText = query.length ? `?${query.map((q) => `${q.key}=${q.value}`).join('&')}` : '';
  const headers = Object.entries(step.headers ?? {}).map(([k, value]) => ({ key: k, value }));
  const secured = (op.security?.length ?? 0) > 0;
  const request: Json = {
    method: method.toUpperCase(),
    header: [...(step.body !== undefined ? [{ key: 'Content-Type', value: 'application/json' }] : []), ...headers],
    url: {
      raw: `{{baseUrl}}/${segments.join('/')}${queryText}`,
      host: ['{{baseUrl}}'],
      path: segments,
      ...(query.length ? { query } : {}),
    },
    description:
      [op.description, secured ? undefined : 'Public: no token needed.'].filter(Boolean).join('\n\n') || undefined,
  };
  if (step.token) request.auth = { type: 'bearer', bearer: [{ key: 'token', value: step.token, type: 'string' }] };
  else if (!secured) request.auth = { type: 'noauth' };
  if (step.body !== undefined) {
    request.body = { mode: 'raw', raw: JSON.stringify(step.body, null, 2), options: { raw: { language: 'json' } } };
  }
  const name = step.name ?? op.summary ?? key;
  return {
    id: idOf(`${n} ${key}`),
    name,
    request,
    ...(key.includes('/oidc/{provider}/') ? { protocolProfileBehavior: { followRedirects: false } } : {}),
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: testScript(key, step, n) } }],
  };
}

/** The collection and the environment, as the files hold them (two-space JSON and a newline). */
export function generatePostman(openapiText: string): { collection: string; environment: string } {
  const doc = JSON.parse(openapiText) as OpenApi;
  const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
  const planned = new Set(PLAN.map(([key]) => key));
  const missing = documented.filter((key) => !planned.has(key) && !(key in LEFT_OUT));
  if (missing.length > 0) {
    throw new Error(
      `operations in the OpenAPI document with no place in scripts/postman.ts PLAN: ${missing.join(', ')}`,
    );
  }
  // Folders in the order of their first request, each request kept in the run's order.
  const folders: { name: string; item: Json[] }[] = [];
  PLAN.forEach(([key, step], i) => {
    const [method, apiPath] = key.split(' ') as [string, string];
    const tag = doc.paths[apiPath]?.[method]?.tags?.[0] ?? 'other';
    const last = folders[folders.length - 1];
    const item = requestOf(doc, key, step, i + 1);
    if (last?.name === tag) last.item.push(item);
    else folders.push({ name: tag, item: [item] });
  });
  const collection = {
    info: {
      _postman_id: idOf(`${doc.info.title} collection`),
      name: `${doc.info.title} ${doc.info.version}`,
      description: [
        `${doc.info.description ?? ''}`,
        'Generated from docs/openapi.json by `npm run postman` (scripts/postman.ts); do not edit by hand.',
        "Run it in order (logout is last). The collection signs in by itself with the environment's email and " +
          'password (registering the account once), and passes the ids it creates from request to request.',
        `Left out: ${Object.entries(LEFT_OUT)
          .map(([k, why]) => `${k} (${why})`)
          .join('; ')}.`,
      ].join('\n\n'),
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] },
    event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: SIGN_IN } }],
    variable: ['accessToken', 'refreshToken', 'taskId', 'taskEtag', 'sessionId', 'otherUserId', 'otherUserToken'].map(
      (key) => ({ key, value: '', type: 'string' }),
    ),
    item: folders,
  };
  const environment = {
    id: idOf(`${doc.info.title} local environment`),
    name: `${doc.info.title} (local)`,
    values: [
      { key: 'baseUrl', value: 'http://localhost:3000', type: 'default', enabled: true },
      { key: 'email', value: 'postman@example.test', type: 'default', enabled: true },
      { key: 'password', value: 'amber quartz meadow violin', type: 'secret', enabled: true },
      { key: 'oidcProvider', value: 'oidc', type: 'default', enabled: true },
      { key: 'admin', value: 'false', type: 'default', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  };
  const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return { collection: text(collection), environment: text(environment) };
}

function main(args: string[]): number {
  const { collection, environment } = generatePostman(readFileSync(OPENAPI_PATH, 'utf8'));
  const files: [string, string][] = [
    [COLLECTION_PATH, collection],
    [ENVIRONMENT_PATH, environment],
  ];
  if (args.includes('--check')) {
    const stale = files.filter(([file, text]) => {
      try {
        return readFileSync(file, 'utf8') !== text;
      } catch {
        return true;
      }
    });
    for (const [file] of stale) console.error(`${path.relative(ROOT, file)} is stale: run npm run postman`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const [file, text] of files) {
    writeFileSync(file, text);
    console.log(`wrote ${path.relative(ROOT, file)} (${Buffer.byteLength(text)} bytes)`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
