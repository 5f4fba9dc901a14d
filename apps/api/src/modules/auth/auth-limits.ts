/**
 * Brute-force limits (api.md): auth requests (login, register, forgot-password) per client IP, and failed logins
 * per email. Counters live in the shared RateLimitStore (Redis when configured), fixed windows.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps';
import { enforce, hit, type LimitResult } from '../../plugins/rate-limit';
import { hashToken } from '../../infra/tokens';
import { securityEvent } from './auth.service';

/** Failed logins are counted per email; failed password re-checks of a signed-in user per user id. */
export const loginFailKey = (email: string) => `auth:fail:${hashToken(email)}`;
export const reauthFailKey = (userId: string) => `auth:reauth-fail:${userId}`;

/** Count one auth request from this IP; 429 once over RATE_LIMIT_AUTH_IP_MAX in the window. */
export async function limitAuthIp(deps: Deps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { authIpMax, authWindowSec } = deps.config.rateLimit;
  const r = await hit(deps.rateLimitStore, `auth:ip:${request.ip}`, authIpMax, authWindowSec);
  if (!r.allowed) securityEvent(request.log, 'auth.rate_limited', { scope: 'ip', ip: request.ip }, 'warn');
  enforce(reply, r, 'Too many authentication requests from this address, try again later');
}

/** 429 while this email is locked out (too many failures in the window), even with the right password. */
export async function assertNotLockedOut(
  deps: Deps,
  key: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const { loginFailuresMax } = deps.config.rateLimit;
  const w = await deps.rateLimitStore.get(key);
  if (w.count >= loginFailuresMax) {
    const r: LimitResult = { ...w, limit: loginFailuresMax, allowed: false };
    securityEvent(request.log, 'auth.locked_out', { key: key.split(':')[1], ip: request.ip }, 'warn');
    enforce(reply, r, 'Too many failed sign-in attempts for this account, try again later');
  }
}

/** Count a failed login for this email; logs the moment the lockout starts. */
export async function recordFailure(
  deps: Deps,
  key: string,
  request: FastifyRequest,
  fields: Record<string, unknown>,
): Promise<void> {
  const { loginFailuresMax, authWindowSec } = deps.config.rateLimit;
  const w = await deps.rateLimitStore.incr(key, authWindowSec);
  if (w.count === loginFailuresMax) {
    securityEvent(
      request.log,
      'auth.lockout_started',
      { ...fields, ip: request.ip, windowSec: Math.ceil(w.resetMs / 1000) },
      'warn',
    );
  }
}

export async function clearFailures(deps: Deps, key: string): Promise<void> {
  await deps.rateLimitStore.reset(key);
}

/** Run a password check guarded by the failure counter: 429 while locked out, one failure counted per wrong answer. */
export async function withFailureLimit<T>(
  deps: Deps,
  key: string,
  request: FastifyRequest,
  reply: FastifyReply,
  fields: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  await assertNotLockedOut(deps, key, request, reply);
  try {
    const result = await run();
    await clearFailures(deps, key);
    return result;
  } catch (err) {
    if ((err as { code?: string }).code === 'INVALID_CREDENTIALS') await recordFailure(deps, key, request, fields);
    throw err;
  }
}

/** A per-user limit for actions that send mail or check a password again. */
export async function limitUserAction(
  deps: Deps,
  action: string,
  userId: string,
  reply: FastifyReply,
  max: number,
): Promise<void> {
  const r = await hit(deps.rateLimitStore, `auth:${action}:u:${userId}`, max, deps.config.rateLimit.authWindowSec);
  enforce(reply, r);
}
