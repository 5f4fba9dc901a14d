/**
 * Route helpers every module's routes share: the OpenAPI security requirement of an authenticated route, and who
 * is asking (for session rows and the security log).
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { z } from 'zod';

/** The OpenAPI `security` of a route that needs a signed-in caller (bearer token or the access cookie). */
export const SECURED: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { cookieAuth: [] }];

/** Who is asking, for the session row and the security log. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
  log: FastifyBaseLogger;
  /**
   * Whether the client's connection is still open, so the answer can still reach it. False once it has gone
   * (it gave up waiting): a step whose outcome only that answer carries — a rotated refresh token — must not run.
   */
  connected(): boolean;
}

/** The signed-in caller's user id, in a route behind `requireAuth` (a route without it is a programming error). */
export function uid(request: FastifyRequest): string {
  const auth = request.auth;
  if (!auth) throw new Error('requireAuth did not run');
  return auth.userId;
}

export function clientInfo(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  const socket = request.raw.socket;
  return {
    ip: request.ip,
    userAgent: typeof ua === 'string' ? ua : null,
    log: request.log,
    // A closed connection shows as a destroyed socket once the event loop has read its end (app.inject's stand-in
    // socket never closes).
    connected: () => !socket?.destroyed,
  };
}

/** The If-Match request header of a conditional write (tasks, projects). */
export const ifMatchHeaders = z.looseObject({
  'if-match': z.string().max(1024).optional().describe('The ETag you read; a mismatch is 412'),
});
/** The If-None-Match request header of a conditional read. */
export const ifNoneMatchHeaders = z.looseObject({
  'if-none-match': z.string().max(4096).optional().describe('ETags you hold; a match is 304'),
});

/** A request header as one string (repeated headers joined as HTTP allows). */
export function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}
