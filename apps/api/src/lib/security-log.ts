/** The security log every module writes to (sign-ins, revocations, account changes): one structured line each. */
import type { FastifyBaseLogger } from 'fastify';

/** One structured security event; callers never pass secrets (passwords, tokens, cookies). */
export function securityEvent(
  log: FastifyBaseLogger,
  event: string,
  fields: Record<string, unknown> = {},
  level: 'info' | 'warn' = 'info',
): void {
  log[level]({ security: true, event, ...fields }, event);
}
