/**
 * Route helpers every module's routes share: the OpenAPI security requirement of an authenticated route, and who
 * is asking (for session rows and the security log).
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/** The OpenAPI `security` of a route that needs a signed-in caller (bearer token or the access cookie). */
export const SECURED: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { cookieAuth: [] }];

/** Who is asking, for the session row and the security log. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
  log: FastifyBaseLogger;
}

export function clientInfo(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : null, log: request.log };
}
