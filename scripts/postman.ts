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
  ['get /api/v1/auth/mfa', { expect: 200 }],
  ['post /api/v1/auth/mfa/totp', { expect: 200, name: 'Start TOTP set-up (left pending: a code needs the app)' }],
  ['post /api/v1/auth/mfa/totp/confirm', { body: { code: '000000' }, expect: 401, name: 'Confirm TOTP (wrong code)' }],
  [
    'delete /api/v1/auth/mfa/totp',
    { body: { password: '{{password}}', code: '000000' }, expect: 409, name: 'Turn TOTP off (not on: 409)' },
  ],
  [
    'post /api/v1/auth/mfa/verify',
    { body: { challenge: 'not-a-challenge', code: '000000' }, expect: 401, name: 'Second sign-in step (no challenge)' },
  ],
  [
    'get /api/v1/auth/passkeys',
    {
      expect: 200,
      capture: [
        '// No passkey can be registered here (it needs an authenticator): rename and delete answer 404 for an id',
        '// that does not exist.',
        "pm.collectionVariables.set('passkeyId', '00000000-0000-4000-8000-000000000000');",
      ],
    },
  ],
  ['post /api/v1/auth/passkeys/options', { expect: 200, name: 'Passkey registration options' }],
  [
    'post /api/v1/auth/passkeys',
    {
      body: {
        credential: {
          id: 'AAAA',
          rawId: 'AAAA',
          type: 'public-key',
          response: { clientDataJSON: 'e30', attestationObject: 'oA' },
          clientExtensionResults: {},
        },
      },
      expect: 400,
      name: 'Register a passkey (no authenticator here: refused, 400)',
    },
  ],
  ['patch /api/v1/auth/passkeys/{id}', { params: { id: 'passkeyId' }, body: { name: 'Laptop' }, expect: 404 }],
  ['delete /api/v1/auth/passkeys/{id}', { params: { id: 'passkeyId' }, expect: 404 }],
  ['post /api/v1/auth/passkeys/login/options', { body: {}, expect: 200, name: 'Passkey sign-in options' }],
  [
    'post /api/v1/auth/passkeys/login',
    {
      body: {
        credential: {
          id: 'AAAA',
          rawId: 'AAAA',
          type: 'public-key',
          response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
          clientExtensionResults: {},
        },
      },
      expect: 401,
      name: 'Sign in with a passkey (unknown credential: 401)',
    },
  ],
  ['get /api/v1/users/me/audit', { query: { limit: '20' }, expect: 200 }],
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
  ['get /api/v1/server-info', { expect: 200 }],
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
  ['post /api/v1/tasks/parse', { body: { text: 'review PR next friday !urgent #work' }, expect: 200 }],
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
  ['get /api/v1/tasks', { query: { view: 'upcoming', sort: 'dueDate' }, expect: 200, name: 'List tasks: Upcoming' }],
  [
    'post /api/v1/tokens',
    {
      body: { name: 'Postman script', scopes: ['tasks:read'] },
      expect: 201,
      capture: [
        '// The secret is in this answer only.',
        "pm.collectionVariables.set('apiTokenId', body.data.id);",
        "pm.collectionVariables.set('apiToken', body.data.token);",
      ],
    },
  ],
  ['get /api/v1/tokens', { expect: 200 }],
  [
    'get /api/v1/tasks',
    { token: '{{apiToken}}', expect: 200, name: 'List tasks with the personal API token (tasks:read)' },
  ],
  ['delete /api/v1/tokens/{id}', { params: { id: 'apiTokenId' }, expect: 204 }],
  ['get /api/v1/tasks', { token: '{{apiToken}}', expect: 401, name: 'List tasks with the revoked API token (401)' }],
  [
    'post /api/v1/views',
    {
      body: { name: 'Urgent work', query: 'tag=work&priority=urgent,high&sort=dueDate' },
      expect: 201,
      capture: ["pm.collectionVariables.set('viewId', body.data.id);"],
    },
  ],
  ['get /api/v1/views', { expect: 200 }],
  ['patch /api/v1/views/{id}', { params: { id: 'viewId' }, body: { name: 'Urgent', position: 0 }, expect: 200 }],
  ['delete /api/v1/views/{id}', { params: { id: 'viewId' }, expect: 204 }],
  // The iCal feed (issue 17 item 5): its URL's token is the credential (no session on the GET).
  [
    'post /api/v1/calendar/feed',
    {
      expect: 200,
      capture: [
        '// The feed URL is in this answer only; its last segment is the token.',
        "pm.collectionVariables.set('calendarToken', body.data.url.match(/calendar\\/([^/]+)\\.ics$/)[1]);",
      ],
    },
  ],
  ['get /api/v1/calendar/{token}.ics', { params: { token: 'calendarToken' }, expect: 200 }],
  ['delete /api/v1/calendar/feed', { expect: 204 }],
  [
    'get /api/v1/calendar/{token}.ics',
    { params: { token: 'calendarToken' }, expect: 404, name: 'The feed after turning it off (404)' },
  ],
  // Web Push (issue 17 item 2): 503 when the server has no VAPID keys. The subscription is a made-up FCM
  // endpoint with valid-looking keys (nothing is sent when it is stored); deleted again at once.
  ['get /api/v1/push/vapid-public-key', { expect: [200, 503] }],
  [
    'post /api/v1/push/subscriptions',
    {
      body: {
        endpoint: 'https://fcm.googleapis.com/fcm/send/postman-{{$guid}}',
        expirationTime: null,
        keys: {
          p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
          auth: 'tBHItJI5svbpez7KI4CCXg',
        },
        label: 'Postman',
      },
      expect: [201, 503],
      capture: [
        "pm.collectionVariables.set('pushSubscriptionId', pm.response.code === 201 ? body.data.id : '00000000-0000-4000-8000-000000000000');",
      ],
    },
  ],
  ['get /api/v1/push/subscriptions', { expect: [200, 503] }],
  ['delete /api/v1/push/subscriptions/{id}', { params: { id: 'pushSubscriptionId' }, expect: [204, 404] }],
  // Projects (issue 15): a project, the other account invited as viewer (its token is mailed, so accepting a
  // made-up one is the 400), members, then the project deleted.
  ['get /api/v1/projects', { expect: 200 }],
  [
    'post /api/v1/projects',
    {
      body: { name: 'Postman project', color: '#3366ff' },
      expect: 201,
      capture: [
        "pm.collectionVariables.set('projectId', body.data.id);",
        "pm.collectionVariables.set('projectEtag', pm.response.headers.get('ETag'));",
      ],
    },
  ],
  ['get /api/v1/projects/{id}', { params: { id: 'projectId' }, expect: 200 }],
  [
    'patch /api/v1/projects/{id}',
    {
      params: { id: 'projectId' },
      headers: { 'If-Match': '{{projectEtag}}' },
      body: { description: 'Shared work' },
      expect: 200,
    },
  ],
  [
    'post /api/v1/projects/{id}/invitations',
    {
      params: { id: 'projectId' },
      body: { email: 'postman-invitee-{{$guid}}@example.test', role: 'viewer' },
      expect: 201,
      capture: ["pm.collectionVariables.set('invitationId', body.data.id);"],
    },
  ],
  ['get /api/v1/projects/{id}/invitations', { params: { id: 'projectId' }, expect: 200 }],
  // Webhooks (issue 18 item 4): 192.0.2.10 is TEST-NET-1 (a public, never-routed address): nothing leaves.
  [
    'post /api/v1/projects/{id}/webhooks',
    {
      params: { id: 'projectId' },
      body: { url: 'https://192.0.2.10/primetrade-hook', events: ['task.created', 'task.updated'] },
      expect: 201,
      capture: [
        '// The signing secret is in this answer only.',
        "pm.collectionVariables.set('webhookId', body.data.id);",
        'pm.expect(body.data.secret).to.match(/^whsec_/);',
      ],
    },
  ],
  ['get /api/v1/projects/{id}/webhooks', { params: { id: 'projectId' }, expect: 200 }],
  [
    'patch /api/v1/projects/{id}/webhooks/{hookId}',
    { params: { id: 'projectId', hookId: 'webhookId' }, body: { active: false }, expect: 200 },
  ],
  [
    'get /api/v1/projects/{id}/webhooks/{hookId}/deliveries',
    { params: { id: 'projectId', hookId: 'webhookId' }, query: { limit: '20' }, expect: 200 },
  ],
  [
    'post /api/v1/projects/{id}/webhooks/{hookId}/deliveries/{deliveryId}/redeliver',
    {
      params: { id: 'projectId', hookId: 'webhookId', deliveryId: 'webhookId' },
      expect: 404,
      name: 'Redeliver (no such delivery: 404)',
    },
  ],
  ['delete /api/v1/projects/{id}/webhooks/{hookId}', { params: { id: 'projectId', hookId: 'webhookId' }, expect: 204 }],
  [
    'delete /api/v1/projects/{id}/invitations/{invId}',
    { params: { id: 'projectId', invId: 'invitationId' }, expect: 204 },
  ],
  [
    'post /api/v1/invitations/accept',
    { body: { token: 'not-a-mailed-token' }, expect: 400, name: 'Accept an invitation (a made-up token: 400)' },
  ],
  [
    'get /api/v1/projects/{id}/members',
    {
      params: { id: 'projectId' },
      expect: 200,
      capture: ["pm.collectionVariables.set('memberId', body.data[0].userId);"],
    },
  ],
  [
    'patch /api/v1/projects/{id}/members/{userId}',
    {
      params: { id: 'projectId', userId: 'memberId' },
      body: { role: 'editor' },
      expect: 409,
      name: 'Demote the last owner (409)',
    },
  ],
  [
    'delete /api/v1/projects/{id}/members/{userId}',
    { params: { id: 'projectId', userId: 'memberId' }, expect: 409, name: 'The last owner leaves (409)' },
  ],
  ['delete /api/v1/projects/{id}', { params: { id: 'projectId' }, expect: 204 }],
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
      body: { status: 'in_progress', recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO', mode: 'due' } },
      expect: 200,
      capture: ["pm.collectionVariables.set('taskEtag', pm.response.headers.get('ETag'));"],
    },
  ],
  [
    'post /api/v1/tasks/{id}/skip',
    {
      params: { id: 'taskId' },
      headers: { 'If-Match': '{{taskEtag}}' },
      expect: 200,
      name: 'Skip this occurrence of the recurring task',
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
  [
    'post /api/v1/tasks/{id}/comments',
    {
      params: { id: 'taskId' },
      body: { body: 'A **markdown** comment from Postman' },
      expect: 201,
      capture: ["pm.collectionVariables.set('commentId', body.data.id);"],
    },
  ],
  ['get /api/v1/tasks/{id}/comments', { params: { id: 'taskId' }, expect: 200 }],
  [
    'patch /api/v1/tasks/{id}/comments/{commentId}',
    { params: { id: 'taskId', commentId: 'commentId' }, body: { body: 'Edited from Postman' }, expect: 200 },
  ],
  ['delete /api/v1/tasks/{id}/comments/{commentId}', { params: { id: 'taskId', commentId: 'commentId' }, expect: 204 }],
  ['get /api/v1/tasks/stats', { expect: 200 }],
  ['get /api/v1/tasks/stats/overview', { expect: 200 }],
  ['get /api/v1/tasks/export', { query: { format: 'json' }, expect: 200 }],
  ['post /api/v1/tasks/import', { body: [{ title: 'Imported from Postman', tags: ['postman'] }], expect: 200 }],
  ['delete /api/v1/tasks/{id}', { params: { id: 'taskId' }, headers: { 'If-Match': '{{taskEtag}}' }, expect: 204 }],
  ['post /api/v1/tasks/{id}/restore', { params: { id: 'taskId' }, expect: 200, name: 'Undo the delete (restore)' }],
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
  ['get /api/v1/admin/audit', { query: { limit: '20' }, expect: 200, admin: true }],
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
    // A parameter may be a whole segment ({id}) or part of one ({token}.ics).
    .map((s) =>
      s.replace(/\{(\w+)\}/g, (_, param: string) => {
        const variable = step.params?.[param];
        if (!variable) throw new Error(`${key}: PLAN names no variable for {${param}}`);
        return `{{${variable}}}`;
      }),
    );
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
    variable: [
      'accessToken',
      'refreshToken',
      'taskId',
      'taskEtag',
      'viewId',
      'apiTokenId',
      'apiToken',
      'sessionId',
      'otherUserId',
      'otherUserToken',
      'passkeyId',
      'pushSubscriptionId',
    ].map((key) => ({ key, value: '', type: 'string' })),
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
