/**
 * The finishing pass over the OpenAPI document @fastify/swagger builds from the routes' zod schemas
 * (`transformObject` in app.ts): the named components (fastify-type-provider-zod's jsonSchemaTransformObject, less
 * the unused `…Input` twins), then what the route schemas cannot say by themselves:
 *
 * - every operation gets an operationId (method + path) and its tag is declared at the top level;
 * - paths carry no trailing slash (`/api/v1/tasks/` → `/api/v1/tasks`; the server answers both);
 * - public operations say `security: []`;
 * - a route that declares no body answers 204, not fastify's "Default Response" 200 — except the few listed in
 *   SPECIAL_ANSWERS (OIDC redirects, the export, the event stream);
 * - every operation lists the errors its kind can answer as the shared `Problem` response (commonErrors).
 *
 * `openapiTransform` (app.ts's per-route `transform`) makes request schemas as strict as the server: a query
 * integer (`queryInt`: digits, then a bounded number) is documented as the bounded integer, a comma list of enum
 * values (`status=pending,completed`) as an array of the enum sent comma-separated (style form, explode false), a
 * new password as its real limit in code points (PASSWORD_MAX) and tags as at most TAGS_MAX.
 */
import {
  DESCRIPTION_MAX,
  IMPORT_MAX_ROWS,
  PASSWORD_MAX,
  passwordSchema,
  requiredTokenScope,
  TOKEN_SCOPES,
  TOKENS_PER_USER_MAX,
  TAG_MAX,
  TAGS_MAX,
  TITLE_MAX,
  tagsSchema,
  timezone,
} from '@primetrade/shared';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, Json>;
};
type Document = {
  info?: Json;
  servers?: Json[];
  paths?: Record<string, Record<string, Operation>>;
  components?: Json;
  tags?: Json[];
};

const PROBLEM_JSON = 'application/problem+json';
const problemRef = { $ref: '#/components/responses/Problem' };
const rateLimitedRef = { $ref: '#/components/responses/RateLimited' };

const INT32_MAX = 2 ** 31 - 1;
const header = (description: string) => ({
  description,
  schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32_MAX },
});
/** The tasks routes' entity tags (a quoted hash). */
const ETAG_HEADER = {
  description: 'The current entity tag',
  schema: { type: 'string', maxLength: 128 },
};
/** @fastify/cors in app.ts: the request's Origin echoed when it is one of CORS_ORIGINS, else no header. */
const CORS_HEADER = {
  description:
    "The request's Origin, echoed when it is one of CORS_ORIGINS (credentials allowed); absent for any other origin",
  schema: { type: 'string', format: 'uri', maxLength: 2048 },
};
const RATE_LIMIT_HEADERS = {
  'Access-Control-Allow-Origin': { $ref: '#/components/headers/Access-Control-Allow-Origin' },
  'RateLimit-Limit': header('Requests allowed in the window'),
  'RateLimit-Remaining': header('Requests left in the window'),
  'RateLimit-Reset': header('Seconds until the window resets'),
  'Retry-After': header('Seconds to wait before retrying'),
};

/**
 * The API-wide limit's headers (the rate-limit plugin sets them on every /api/v1 answer, errors included) and the
 * CORS header.
 */
const RATE_LIMIT_REFS = Object.fromEntries(
  ['Access-Control-Allow-Origin', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'].map((name) => [
    name,
    { $ref: `#/components/headers/${name}` },
  ]),
);

/** The shared responses every operation's errors point at. */
const RESPONSES = {
  Problem: {
    description: 'An RFC 9457 problem (code, title, detail, request id)',
    headers: RATE_LIMIT_REFS,
    content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem' } } },
  },
  RateLimited: {
    description: 'Too many requests: wait Retry-After seconds',
    headers: RATE_LIMIT_HEADERS,
    content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem' } } },
  },
};

/**
 * Statuses some operations answer beyond what their kind implies: 409 unique clash, 412 If-Match, and the public
 * sign-in routes' 401 (wrong credentials, bad refresh token) and 403 (disabled account; CSRF on cookie refresh and
 * logout).
 */
const EXTRA_ERRORS: Record<string, number[]> = {
  'post /api/v1/auth/login': [401, 403],
  'post /api/v1/auth/refresh': [401, 403],
  'post /api/v1/auth/logout': [403],
  'post /api/v1/auth/register': [409],
  // Passkeys: a sign-in assertion that does not verify (401), a disabled account (403), an expired MFA step (401);
  // a credential registered already or 20 passkeys (409); second-factor options for an account without one (409).
  'post /api/v1/auth/passkeys/login': [401, 403],
  'post /api/v1/auth/passkeys/login/options': [401, 409],
  'post /api/v1/auth/passkeys/options': [409],
  'post /api/v1/auth/passkeys': [409],
  'patch /api/v1/users/me': [409],
  'patch /api/v1/admin/users/{id}': [409],
  'post /api/v1/tasks': [404, 409],
  // projectId naming a project the caller is not a member of (api.md: 404, never 403).
  'get /api/v1/tasks': [404],
  'get /api/v1/tasks/export': [404],
  'get /api/v1/tasks/stats': [404],
  'get /api/v1/tasks/stats/overview': [404],
  'post /api/v1/tasks/bulk': [404],
  // The inbox cannot be deleted; a project keeps one owner; an invited address that is already a member.
  'patch /api/v1/projects/{id}': [412],
  'delete /api/v1/projects/{id}': [409, 412],
  'patch /api/v1/projects/{id}/members/{userId}': [409],
  'delete /api/v1/projects/{id}/members/{userId}': [409],
  'post /api/v1/projects/{id}/invitations': [409],
  // At most 100 saved views and 50 tokens a user.
  'post /api/v1/views': [409],
  'post /api/v1/tokens': [409],
  // At most 20 devices a user receives Web Push on (issue 17 item 2).
  'post /api/v1/push/subscriptions': [409],
  'patch /api/v1/tasks/{id}': [412],
  'put /api/v1/tasks/{id}': [412],
  'delete /api/v1/tasks/{id}': [412],
  // Not a recurring open occurrence, or the series has no next date (409); If-Match (412).
  'post /api/v1/tasks/{id}/skip': [409, 412],
};

/** Success answers that are neither JSON bodies declared by the route nor 204. */
const SPECIAL_ANSWERS: Record<string, Record<string, Json>> = {
  'get /api/v1/auth/oidc/{provider}/start': {
    302: { description: "Redirect to the identity provider's sign-in page", headers: { Location: location() } },
  },
  'get /api/v1/auth/oidc/{provider}/callback': {
    302: {
      description: 'Redirect back into the app, signed in (or with an error code)',
      headers: { Location: location() },
    },
  },
  'get /api/v1/tasks/export': {
    200: {
      description: 'The tasks as a file (format=csv: RFC 4180 CSV; format=json: a JSON array of tasks)',
      content: {
        'text/csv': { schema: { type: 'string' } },
        'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Task' } } },
      },
    },
  },
  'get /api/v1/calendar/{token}.ics': {
    200: {
      description:
        'The iCal feed (RFC 5545): VTODO items, or VEVENT with type=event; cacheable privately for 5 minutes',
      headers: { ETag: ETAG_HEADER },
      content: { 'text/calendar': { schema: { type: 'string' } } },
    },
    304: { description: 'Not modified: If-None-Match names the current ETag; no body', headers: { ETag: ETAG_HEADER } },
  },
  'get /api/v1/events': {
    200: {
      description: 'Server-sent events (task changes, session revocations), resumable with Last-Event-ID',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
  },
};

function location() {
  // The provider's authorization URL (its endpoint and the code-flow parameters), or the app's path back (returnTo
  // is at most 512 characters).
  return { description: 'Where to go next', schema: { type: 'string', format: 'uri-reference', maxLength: 2048 } };
}

/** The error statuses an operation can answer, from its kind: public or signed in, admin, input, path ids. */
export function commonErrors(method: string, path: string, operation: Operation): number[] {
  const statuses = new Set<number>([429, 500, 503]);
  const secured = (operation.security?.length ?? 0) > 0;
  const hasInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
  if (hasInput) statuses.add(400);
  if (secured) statuses.add(401);
  // A personal API token without the operation's scope.
  if ((operation.security as Record<string, unknown>[] | undefined)?.some((r) => 'apiToken' in r)) statuses.add(403);
  // Admin only; cookie-authenticated writes without the CSRF header are refused too.
  if (path.startsWith('/api/v1/admin/') || (secured && method !== 'get')) statuses.add(403);
  if (path.includes('{')) statuses.add(404);
  if (operation.requestBody !== undefined) {
    statuses.add(413);
    statuses.add(415);
  }
  for (const status of EXTRA_ERRORS[`${method} ${path}`] ?? []) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

const operationId = (method: string, path: string) =>
  [method, ...path.replace(/^\/api\/v1\//, '').split('/')]
    .filter(Boolean)
    .map((part, i) => {
      const words = part
        .replace(/[{}]/g, '')
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean);
      const named = part.startsWith('{') ? ['by', ...words] : words;
      return named.map((w, j) => (i === 0 && j === 0 ? w : w[0]?.toUpperCase() + w.slice(1))).join('');
    })
    .join('');

/** `$ref` targets anywhere in `value`. */
function refsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsIn(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.add(v);
      else refsIn(v, into);
    }
  }
  return into;
}

/** Drops component schemas no path (nor a kept schema) refers to. */
function dropUnusedSchemas(doc: Document): void {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, unknown>;
  const used = new Set<string>();
  const pending = [...refsIn({ paths: doc.paths, responses: doc.components?.responses })];
  while (pending.length > 0) {
    const name = (pending.pop() as string).replace('#/components/schemas/', '');
    if (used.has(name) || !(name in schemas)) continue;
    used.add(name);
    pending.push(...refsIn(schemas[name]));
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  auth: 'Sign-up, sign-in (password and OIDC), sessions, tokens, password reset and email verification',
  users: "The signed-in user's profile, preferences and account",
  admin: 'Administration: users, roles, statistics and background jobs (admins only)',
  tasks: 'Tasks: list, search, create, change, delete, bulk, history, statistics, import and export',
  events: 'Server-sent events: live task changes for the signed-in user',
  tokens: 'Personal API tokens: create (the secret shown once), list, revoke; signed-in users only, never a token',
};

/** What the access token is, as infra/tokens.ts makes and checks it. */
const SCHEME_DESCRIPTIONS: Record<string, string> = {
  bearerAuth:
    'The access token from sign-in or refresh: a short-lived JWT checked as RFC8725 advises (HS256 only, ' +
    'explicit typ, iss, aud, exp and iat required, lifetime bounded)',
  cookieAuth:
    'The same access token in an HttpOnly cookie (__Host-access_token when served over https); writes also need the X-CSRF-Token header and an Origin (or Referer) of the app itself',
  apiToken:
    'A personal API token (POST /tokens): `Authorization: Bearer ptt_…`. It may call only the operations that list ' +
    'it, with the scope named there (GET needs `:read`, writes `:write`); every other operation answers 403',
};
function describeSchemes(schemes: Record<string, Json> | undefined): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(schemes ?? {}).map(([name, scheme]) => [
      name,
      { ...scheme, description: scheme.description ?? SCHEME_DESCRIPTIONS[name] },
    ]),
  );
}

/** Every integer schema says its format: int32 when its bounds fit, else int64. */
function integerFormats(value: unknown): void {
  if (Array.isArray(value)) for (const v of value) integerFormats(v);
  else if (value && typeof value === 'object') {
    const schema = value as Json;
    if (schema.type === 'integer' && schema.format === undefined) {
      const fits = typeof schema.minimum === 'number' && typeof schema.maximum === 'number';
      const small = fits && (schema.minimum as number) >= -INT32_MAX - 1 && (schema.maximum as number) <= INT32_MAX;
      schema.format = small ? 'int32' : 'int64';
    }
    for (const v of Object.values(schema)) integerFormats(v);
  }
}

/**
 * The bounds of what the server answers (OWASP API4: every string has a maxLength, every array a maxItems), where
 * the route schemas cannot say them: each is a fact of the code, named next to it. The contract test
 * (scripts/contract.test.ts) checks real answers against them.
 */
const TIME = { format: 'date-time', maxLength: 30 }; // Date#toISOString: 24 characters (27 past the year 9999)
const PROBLEM = { errors: 100, path: 200, message: 500, detail: 1000 }; // lib/errors.ts PROBLEM_LIMITS
const FIELD_ERRORS = {
  '': { maxItems: PROBLEM.errors },
  'items.path': { maxLength: PROBLEM.path },
  'items.message': { maxLength: PROBLEM.message },
};
const under = (prefix: string, bounds: Record<string, Json>) =>
  Object.fromEntries(Object.entries(bounds).map(([k, v]) => [k ? `${prefix}.${k}` : prefix, v]));

/** Component schemas: property paths ('.'-separated, `items` steps into an array) and their bounds. */
// A personal API token (createTokenBody): name ≤ 100, a subset of TOKEN_SCOPES; the secret is ptt_ + 43 characters.
const API_TOKEN_BOUNDS: Record<string, Json> = {
  name: { maxLength: 100 },
  scopes: { maxItems: TOKEN_SCOPES.length },
  expiresAt: TIME,
  lastUsedAt: TIME,
  createdAt: TIME,
};
const SCHEMA_BOUNDS: Record<string, Record<string, Json>> = {
  ApiToken: API_TOKEN_BOUNDS,
  CreatedApiToken: { ...API_TOKEN_BOUNDS, token: { maxLength: 64 } },
  // admin.service.ts jobs(): the 50 most recent failures, id/name/error clipped.
  AdminJobs: {
    failed: { maxItems: 50 },
    'failed.items.id': { maxLength: 200 },
    'failed.items.name': { maxLength: 100 },
    'failed.items.error': { maxLength: 1000 },
  },
  // infra/tokens.ts: a compact JWT of a few claims; the refresh token is what refreshBody accepts back (≤ 512).
  AuthResult: {
    accessToken: { maxLength: 4096 },
    refreshToken: { maxLength: 512 },
    accessTokenExpiresAt: TIME,
    refreshTokenExpiresAt: TIME,
  },
  Problem: {
    type: { maxLength: 2048 },
    title: { maxLength: 64 },
    code: { maxLength: 64 },
    detail: { maxLength: PROBLEM.detail },
    message: { maxLength: PROBLEM.detail },
    requestId: { maxLength: 128 }, // app.ts REQUEST_ID_RE, else a UUID
    ...under('errors', FIELD_ERRORS),
  },
  // auth.service.ts clips the user agent to 512 and the address to 64.
  Session: { userAgent: { maxLength: 512 }, ip: { maxLength: 64 }, createdAt: TIME, lastUsedAt: TIME, expiresAt: TIME },
  // The create/patch/import validators (TITLE_MAX, DESCRIPTION_MAX, TAGS_MAX, TAG_MAX).
  Task: {
    title: { maxLength: TITLE_MAX },
    description: { maxLength: DESCRIPTION_MAX },
    tags: { maxItems: TAGS_MAX },
    'tags.items': { maxLength: TAG_MAX },
    dueDate: TIME,
    completedAt: TIME,
    createdAt: TIME,
    updatedAt: TIME,
  },
  // A history entry's changes are keyed by the task's field names.
  TaskHistoryEntry: { 'changes.propertyNames': { maxLength: 32 }, createdAt: TIME },
  // tasks.stats.repo.ts: the last 30 local days, as YYYY-MM-DD.
  TaskStats: { daily: { maxItems: 30 }, 'daily.items.date': { format: 'date', maxLength: 10 } },
  // The profile validators: name 100 (OIDC names clipped to 100), email 254, IANA zone names 64.
  User: {
    name: { maxLength: 100 },
    email: { maxLength: 254 },
    timezone: { maxLength: 64 },
    createdAt: TIME,
    updatedAt: TIME,
  },
};

/** Inline answer schemas: `method path status` → property paths in the JSON body, and their bounds. */
const ANSWER_BOUNDS: Record<string, Record<string, Json>> = {
  'get /api/v1/admin/users 200': { data: { maxItems: 100 } }, // limit ≤ 100
  'get /api/v1/auth/sessions 200': { data: { maxItems: 100 } }, // auth.repo.ts: .limit(100)
  'get /api/v1/tokens 200': { data: { maxItems: TOKENS_PER_USER_MAX } }, // tokens.service.ts: the per-user limit
  'get /api/v1/tasks 200': { data: { maxItems: 100 }, 'meta.nextCursor': { maxLength: 1024 } }, // limit, cursor ≤ 1024
  'get /api/v1/tasks/{id}/history 200': { data: { maxItems: 1000 } }, // tasks.history.repo.ts: .limit(1000)
  // oidc.service.ts: one provider at most; its id a slug of ≤ 40, its name OIDC_PROVIDER_NAME (≤ 64).
  'get /api/v1/auth/oidc/providers 200': {
    data: { maxItems: 1 },
    'data.items.id': { maxLength: 40 },
    'data.items.name': { maxLength: 64 },
    'data.items.startUrl': { maxLength: 128 },
  },
  'post /api/v1/auth/forgot-password 202': { 'data.message': { maxLength: 200 } },
  'post /api/v1/auth/resend-verification 202': { 'data.message': { maxLength: 200 } },
  // tasks.import-export.ts: one entry per failed row, its errors bounded as a problem's are.
  'post /api/v1/tasks/import 200': {
    'data.failed': { maxItems: IMPORT_MAX_ROWS },
    ...under('data.failed.items.errors', FIELD_ERRORS),
  },
};

/** tasks.routes.ts IMPORT_BODY_LIMIT: an import body is at most 10 MiB. */
const IMPORT_BODY_MAX = 10 * 1024 * 1024;

/** The schemas `path` names under `schema`, stepping through properties, `items`, `propertyNames` and anyOf. */
function schemasAt(schema: Json | undefined, path: string[]): Json[] {
  if (!schema) return [];
  if (path.length === 0) return [schema];
  const [step, ...rest] = path as [string, ...string[]];
  const branches = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (branches) return branches.flatMap((branch) => schemasAt(branch, path));
  const next =
    step === 'items' || step === 'propertyNames'
      ? (schema[step] as Json | undefined)
      : ((schema.properties as Record<string, Json> | undefined)?.[step] as Json | undefined);
  return schemasAt(next, rest);
}

function applyBounds(root: Json | undefined, bounds: Record<string, Json>, where: string): void {
  for (const [path, bound] of Object.entries(bounds)) {
    const targets = schemasAt(root, path ? path.split('.') : []);
    if (targets.length === 0) throw new Error(`openapi bounds: ${where} has no ${path}`);
    for (const target of targets) Object.assign(target, bound);
  }
}

/** Every uuid is 36 characters (its pattern says so); every bound above applied. */
function boundAnswers(doc: Document): void {
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) visit(v);
    else if (value && typeof value === 'object') {
      const schema = value as Json;
      if (schema.format === 'uuid' && schema.maxLength === undefined) schema.maxLength = 36;
      for (const v of Object.values(schema)) visit(v);
    }
  };
  visit(doc);
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Json>;
  for (const [name, bounds] of Object.entries(SCHEMA_BOUNDS)) {
    if (schemas[name]) applyBounds(schemas[name], bounds, name);
  }
  for (const [key, bounds] of Object.entries(ANSWER_BOUNDS)) {
    const [method, path, status] = key.split(' ') as [string, string, string];
    const operation = doc.paths?.[path]?.[method];
    if (!operation) continue; // a route another build does not register
    const content = operation.responses[status]?.content as Record<string, { schema?: Json }> | undefined;
    applyBounds(content?.['application/json']?.schema, bounds, key);
  }
  // An import body's text (CSV, a JSON string, an export's keys) cannot be longer than the body itself.
  const importBody = doc.paths?.['/api/v1/tasks/import']?.post?.requestBody;
  const boundText = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) boundText(v);
    else if (value && typeof value === 'object') {
      const schema = value as Json;
      const bounded = ['maxLength', 'enum', 'const'].some((k) => schema[k] !== undefined);
      if (schema.type === 'string' && !bounded) schema.maxLength = IMPORT_BODY_MAX;
      for (const v of Object.values(schema)) boundText(v);
    }
  };
  boundText(importBody);
}

/** The servers say who they are for (OWASP API9: inventory): the deployment's own APP_URL, public. */
function describeServers(servers: Json[] | undefined): Json[] | undefined {
  return servers?.map((server) => ({
    description: 'This deployment (its APP_URL): https in production, http://localhost:3000 in local development',
    'x-internal': false,
    ...server,
  }));
}

/**
 * Operations open to personal API tokens (requiredTokenScope, the contract's one table) list the `apiToken` scheme
 * with the scope they need; every other operation refuses a token (403), so it does not list the scheme.
 */
function tokenSecurity(method: string, path: string, operation: Operation): void {
  if (!operation.security?.length) return;
  const scope = requiredTokenScope(method, path);
  if (scope) operation.security = [...operation.security, { apiToken: [scope] }];
}

/**
 * Admin operations need an administrator's token: the same schemes with the role `admin` (OpenAPI 3.1 lets a
 * non-OAuth requirement name the roles it needs), so they differ from every other operation's (OWASP API5).
 */
function adminSecurity(path: string, operation: Operation): void {
  if (!path.startsWith('/api/v1/admin/') || !operation.security) return;
  operation.security = (operation.security as Record<string, string[]>[]).map((requirement) =>
    Object.fromEntries(Object.keys(requirement).map((scheme) => [scheme, ['admin']])),
  );
}

export function finishOpenapi(input: Document): Document {
  const { 'Retry-After': _, 'Access-Control-Allow-Origin': __, ...rateLimitHeaders } = RATE_LIMIT_HEADERS;
  const components = {
    ...input.components,
    securitySchemes: describeSchemes(input.components?.securitySchemes as Record<string, Json> | undefined),
    responses: RESPONSES,
    headers: { 'Access-Control-Allow-Origin': CORS_HEADER, ...rateLimitHeaders },
  };
  const doc: Document = { ...input, paths: {}, components };
  const servers = describeServers(input.servers);
  if (servers) doc.servers = servers;
  const tags = new Set<string>();
  for (const [rawPath, operations] of Object.entries(input.paths ?? {})) {
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
    const target = (doc.paths as Record<string, Record<string, Operation>>)[path] ?? {};
    for (const [method, source] of Object.entries(operations)) {
      const operation: Operation = { ...source, responses: { ...source.responses } };
      operation.operationId ??= operationId(method, path);
      for (const tag of operation.tags ?? []) tags.add(tag);
      if (!operation.security || operation.security.length === 0) operation.security = [];
      adminSecurity(path, operation);
      tokenSecurity(method, path, operation);
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query' && (parameter as { schema?: Json }).schema?.type === 'array') {
          Object.assign(parameter, { style: 'form', explode: false });
        }
      }
      const special = SPECIAL_ANSWERS[`${method} ${path}`];
      const undeclared = operation.responses['200'] && !operation.responses['200'].content;
      if (special) {
        delete operation.responses['200'];
        Object.assign(operation.responses, special);
      } else if (undeclared) {
        operation.responses['204'] = { description: 'Done; no body' };
        delete operation.responses['200'];
      }
      // A conditional GET (an If-None-Match parameter) answers 304 when the ETag it names is still current.
      if (method === 'get' && operation.parameters?.some((p) => p.in === 'header' && p.name === 'if-none-match')) {
        operation.responses['304'] = {
          description: 'Not modified: If-None-Match names the current ETag; no body',
          headers: { ETag: ETAG_HEADER },
        };
      }
      for (const response of Object.values(operation.responses)) {
        if (!response.$ref) response.headers = { ...RATE_LIMIT_REFS, ...(response.headers as Json | undefined) };
      }
      for (const status of commonErrors(method, path, operation)) {
        operation.responses[String(status)] = status === 429 ? rateLimitedRef : problemRef;
      }
      target[method] = operation;
    }
    (doc.paths as Record<string, Record<string, Operation>>)[path] = target;
  }
  doc.tags = [...tags].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name }));
  doc.info = { ...input.info, license: { name: 'MIT', identifier: 'MIT' } };
  dropUnusedSchemas(doc);
  integerFormats(doc);
  boundAnswers(doc);
  return doc;
}

/** app.ts's `transformObject`: the named components, then finishOpenapi. */
export const openapiTransformObject: typeof jsonSchemaTransformObject = (document) =>
  finishOpenapi(jsonSchemaTransformObject(document) as Document) as ReturnType<typeof jsonSchemaTransformObject>;

type OverrideContext = { zodSchema: z.ZodType; jsonSchema: Json };

/** What the server parses a piped input into, when that says more than the input string's own schema. */
function strictInput({ zodSchema, jsonSchema }: OverrideContext): void {
  // fastify-type-provider-zod's own override (replaced by this one) drops empty anyOf branches; keep doing that.
  if (Array.isArray(jsonSchema.anyOf)) {
    jsonSchema.anyOf = (jsonSchema.anyOf as Json[]).filter((branch) => Object.keys(branch).length > 0);
  }
  if (zodSchema === passwordSchema) jsonSchema.maxLength = PASSWORD_MAX;
  if (zodSchema === tagsSchema) jsonSchema.maxItems = TAGS_MAX;
  if (zodSchema === timezone) jsonSchema.maxLength = 64; // isValidTimeZone refuses longer names
  const def = (zodSchema as unknown as { _zod: { def: { type: string; out?: z.ZodType } } })._zod.def;
  if (def.type !== 'pipe' || !def.out) return;
  const out = (def.out as unknown as { _zod: { def: { type: string; element?: { _zod: { def: { type: string } } } } } })
    ._zod.def;
  const enumList = out.type === 'array' && out.element?._zod.def.type === 'enum';
  if (out.type !== 'number' && !enumList) return;
  const { $schema: _, ...parsed } = z.toJSONSchema(def.out, { io: 'output' }) as Json;
  for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
  Object.assign(jsonSchema, parsed);
}

/** app.ts's per-route `transform`: fastify-type-provider-zod's, with request schemas as strict as the server. */
export const openapiTransform = createJsonSchemaTransform({
  zodToJsonConfig: { override: strictInput as never },
});
