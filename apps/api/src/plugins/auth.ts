/**
 * Resolves the caller on every request (bearer token first, then the access cookie) without failing; routes that
 * need a caller add `app.requireAuth` (401 / 403 CSRF_FAILED: a cookie-authenticated write from another origin or
 * without the CSRF echo) or `app.requireAdmin` (403).
 */
import { API_TOKEN_PREFIX, authCookieNames, type TokenScope } from '@primetrade/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { assertCookieWrite } from '../lib/cookie-writes';
import { forbidden, unauthenticated } from '../lib/errors';
import type { TokenService } from '../infra/tokens';

export interface AuthContext {
  userId: string;
  sessionId: string;
  role: 'user' | 'admin';
  /** `token`: a personal API token (`ptt_…`); then `sessionId` is the token's id and `scopes` what it may do. */
  via: 'bearer' | 'cookie' | 'token';
  scopes?: readonly TokenScope[];
  /** When the access token expires (ms since the epoch): what outlives the request (an SSE stream) ends then. */
  expiresAtMs: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
    authFailure: 'expired' | 'invalid' | 'revoked' | null;
  }
  interface FastifyInstance {
    requireAuth: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1] ?? '';
}

export interface AuthPluginOptions {
  tokens: Pick<TokenService, 'verifyAccess'>;
  /** Whether the token's session is still active, and the user's current role. */
  sessions: {
    check(sessionId: string, userId: string): Promise<{ active: boolean; role: AuthContext['role'] }>;
  };
  /** Cookie names (`__Host-` over https) and the origins a cookie-authenticated write may come from. */
  cookies: { secure: boolean; origins: readonly string[] };
  /**
   * Personal API tokens (bearer values starting `ptt_`, under /api/ only): who a token stands for, and the scope a
   * route needs from one (null: tokens may not call it — checked before the body is parsed, 403 FORBIDDEN).
   */
  apiTokens?: {
    authenticate(secret: string): Promise<
      | {
          ok: true;
          auth: {
            userId: string;
            tokenId: string;
            role: AuthContext['role'];
            scopes: TokenScope[];
            expiresAtMs: number;
          };
        }
      | { ok: false; reason: 'expired' | 'invalid' | 'revoked' }
    >;
    requiredScope(method: string, route: string | undefined): TokenScope | null;
  };
}

async function authPlugin(app: FastifyInstance, { tokens, sessions, cookies, apiTokens }: AuthPluginOptions) {
  const names = authCookieNames(cookies.secure);
  const writePolicy = { origins: cookies.origins, csrfCookie: names.csrf };
  app.decorateRequest('auth', null);
  app.decorateRequest('authFailure', null);

  app.addHook('onRequest', async (request) => {
    const fromHeader = bearer(request);
    const fromCookie = fromHeader === undefined ? request.cookies?.[names.access] : undefined;
    const token = fromHeader ?? fromCookie;
    if (token === undefined) return;
    if (!token) {
      request.authFailure = 'invalid';
      return;
    }
    if (apiTokens && fromHeader !== undefined && token.startsWith(API_TOKEN_PREFIX)) {
      if (!request.url.startsWith('/api/')) return; // health, metrics, the web app: a token is not a caller there
      const checked = await apiTokens.authenticate(token);
      if (!checked.ok) {
        request.authFailure = checked.reason;
        return;
      }
      const { tokenId, ...rest } = checked.auth;
      request.auth = { ...rest, sessionId: tokenId, via: 'token' };
      return;
    }
    const result = await tokens.verifyAccess(token);
    if (!result.ok) {
      request.authFailure = result.reason;
      return;
    }
    const { claims } = result;
    const state = await sessions.check(claims.sessionId, claims.userId);
    if (!state.active) {
      request.authFailure = 'revoked';
      return;
    }
    request.auth = { ...claims, role: state.role, via: fromHeader !== undefined ? 'bearer' : 'cookie' };
  });

  // An API token calls only the routes its scopes cover (default deny). After onRequest, so the per-user rate limit
  // counts refused calls too; before the body is parsed.
  if (apiTokens) {
    app.addHook('preParsing', async (request, _reply, payload) => {
      const auth = request.auth;
      if (auth?.via !== 'token') return payload;
      const needed = apiTokens.requiredScope(request.method, request.routeOptions.url);
      if (needed === null) {
        if (request.routeOptions.url === undefined) return payload; // no such route: 404 as for anyone
        throw forbidden('API tokens may not use this route');
      }
      if (!auth.scopes?.includes(needed)) throw forbidden(`This API token lacks the ${needed} scope`);
      return payload;
    });
  }

  app.decorate('requireAuth', async (request: FastifyRequest) => {
    const auth = request.auth;
    if (!auth) {
      throw unauthenticated(
        request.authFailure === 'expired' ? 'The access token has expired' : 'Authentication required',
      );
    }
    if (auth.via === 'cookie' && !SAFE_METHODS.has(request.method)) assertCookieWrite(request, writePolicy);
  });

  app.decorate('requireAdmin', async (request: FastifyRequest, reply: FastifyReply) => {
    await app.requireAuth(request, reply);
    if (request.auth?.role !== 'admin') throw forbidden('Administrators only');
  });
}

export default fp(authPlugin, { name: 'auth' });
