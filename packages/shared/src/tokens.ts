/**
 * Personal API tokens (api.md "Tokens, webhooks, MFA, audit"): a user's long-lived bearer secrets for scripts and
 * integrations, limited to scopes. The secret (`ptt_…`) is shown once, in the answer to POST /tokens.
 */
import { z } from 'zod';
import { envelope, isoDateTime, text } from './common';

export const TOKEN_SCOPES = ['tasks:read', 'tasks:write', 'projects:read', 'projects:write'] as const;
export const tokenScopeSchema = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof tokenScopeSchema>;

/** The secret's recognisable prefix (secret scanners can find a leaked one; the server tells it from a JWT). */
export const API_TOKEN_PREFIX = 'ptt_';
/** The longest lifetime a token may be given: 366 days (a year, leap years included). */
export const TOKEN_MAX_LIFETIME_DAYS = 366;
/** Tokens one user may hold at a time. */
export const TOKENS_PER_USER_MAX = 50;

const DAY_MS = 86_400_000;

export const createTokenBody = z.strictObject({
  name: text().trim().min(1).max(100),
  scopes: z
    .array(tokenScopeSchema)
    .min(1)
    .max(TOKEN_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, { message: 'Each scope may be listed once' }),
  expiresAt: isoDateTime
    .refine((v) => Date.parse(v) > Date.now(), { message: 'Choose a time in the future' })
    .refine((v) => Date.parse(v) <= Date.now() + TOKEN_MAX_LIFETIME_DAYS * DAY_MS, {
      message: `Choose a time at most ${TOKEN_MAX_LIFETIME_DAYS} days from now`,
    })
    .nullable()
    .optional()
    .describe(`When the token stops working (at most ${TOKEN_MAX_LIFETIME_DAYS} days ahead); absent or null: never`),
});
export type CreateTokenBody = z.infer<typeof createTokenBody>;

export const apiTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scopes: z.array(tokenScopeSchema),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().describe('Updated at most once a minute'),
    createdAt: z.string(),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const createdApiTokenSchema = apiTokenSchema
  .extend({ token: z.string().describe('The secret: shown only in this answer, send it as Authorization: Bearer') })
  .meta({ id: 'CreatedApiToken' });
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

export const apiTokensEnvelope = envelope(z.array(apiTokenSchema));
export const createdApiTokenEnvelope = envelope(createdApiTokenSchema);

/**
 * Which routes a personal API token may call, and with which scope: the ONE place that says it (the request-auth
 * plugin enforces it, the OpenAPI document is generated from it). Default deny — a route not matched here is
 * refused to every API token (403 FORBIDDEN) whatever its scopes, so a new route is closed to tokens until it is
 * added here. Safe methods (GET, HEAD) need `<resource>:read`, every other method `<resource>:write`.
 *
 * Never listed, so never reachable with a token: /auth/* (sign-in, sessions, password, MFA, passkeys),
 * /users/me* (the account and its audit view), /tokens* (a token cannot mint or revoke tokens), /admin/*,
 * /events (a stream outlives the per-request revocation check), /invitations, /views, /calendar, /push.
 */
export const TOKEN_ROUTES: ReadonlyArray<{ route: RegExp; resource: 'tasks' | 'projects' }> = [
  { route: /^\/api\/v1\/tasks(\/|$)/, resource: 'tasks' },
  { route: /^\/api\/v1\/projects(\/|$)/, resource: 'projects' },
];

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Exceptions to "writes need :write": a POST that changes nothing (quick-add parsing answers a draft). */
const READ_ONLY_POSTS = new Set(['/api/v1/tasks/parse']);

/**
 * The scope `method route` needs from an API token, or null: API tokens may not call it at all. `route` is the
 * route's pattern (`/api/v1/tasks/:id`, or OpenAPI's `/api/v1/tasks/{id}`), undefined for an unknown route.
 */
export function requiredTokenScope(method: string, route: string | undefined): TokenScope | null {
  if (!route) return null;
  const entry = TOKEN_ROUTES.find((r) => r.route.test(route));
  if (!entry) return null;
  const read =
    SAFE_METHODS.has(method.toUpperCase()) || (method.toUpperCase() === 'POST' && READ_ONLY_POSTS.has(route));
  return `${entry.resource}:${read ? 'read' : 'write'}`;
}

/** What each scope allows, in words (the web form, the docs). */
export const TOKEN_SCOPE_LABELS: Record<TokenScope, string> = {
  'tasks:read': 'Read tasks (GET /tasks…)',
  'tasks:write': 'Create, change and delete tasks',
  'projects:read': 'Read projects and their members',
  'projects:write': 'Create, change and delete projects, members and invitations',
};
