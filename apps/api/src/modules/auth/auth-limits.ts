/**
 * Brute-force limits (api.md): auth requests (login, register, forgot-password) per client IP, failed logins
 * per email, failed password re-checks per user. Counters live in the shared RateLimitStore (Redis when
 * configured), fixed windows. Failed password checks are also kept in the database (`durable`), and a lockout
 * takes the stricter of both: Redis restarting empty, or down (each instance then counting alone), never hands
 * out more guesses.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import type { DbOrTx } from '../../infra/db/client';
import { enforce, hit, type LimitResult, type RateLimitStore, type WindowState } from '../../infra/rate-limit';
import { hashToken } from '../../infra/tokens';
import { securityEvent } from '../../lib/security-log';
import { deleteAuthFailure, findAuthFailure, incrAuthFailure } from './auth.repo';

/** What the limits need: the counter store and the RATE_LIMIT_* settings they read. */
export interface AuthLimitDeps {
  store: RateLimitStore;
  config: Pick<Config['rateLimit'], 'authIpMax' | 'authWindowSec' | 'loginFailuresMax'>;
  /** The failure counters that survive Redis losing its data (authFailureStore: the auth_failures table). */
  durable?: RateLimitStore;
}

const windowOf = (w: { count: number; windowEndsAt: Date } | undefined): WindowState =>
  w ? { count: w.count, resetMs: Math.max(0, w.windowEndsAt.getTime() - Date.now()) } : { count: 0, resetMs: 0 };

/** Failed password checks kept in the database (one fixed window per key), for the limits' `durable`. */
export function authFailureStore(db: DbOrTx): RateLimitStore {
  return {
    kind: 'database',
    incr: async (key, windowSec) => windowOf(await incrAuthFailure(db, key, windowSec)),
    get: async (key) => windowOf(await findAuthFailure(db, key)),
    reset: (key) => deleteAuthFailure(db, key),
  };
}

/** The stricter of two windows: the higher count (and, at equal counts, the later end). */
const stricter = (a: WindowState, b: WindowState): WindowState =>
  a.count !== b.count ? (a.count > b.count ? a : b) : a.resetMs >= b.resetMs ? a : b;

async function failuresOf(limits: AuthLimitDeps, key: string): Promise<WindowState> {
  const [shared, durable] = await Promise.all([limits.store.get(key), limits.durable?.get(key)]);
  return durable ? stricter(shared, durable) : shared;
}

/** Failed logins are counted per email; failed password re-checks of a signed-in user per user id. */
const loginFailKey = (email: string) => `auth:fail:${hashToken(email)}`;
const reauthFailKey = (userId: string) => `auth:reauth-fail:${userId}`;

/** Count one auth request from this IP; 429 once over RATE_LIMIT_AUTH_IP_MAX in the window. */
export async function limitAuthIp(limits: AuthLimitDeps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { authIpMax, authWindowSec } = limits.config;
  const r = await hit(limits.store, `auth:ip:${request.ip}`, authIpMax, authWindowSec);
  if (!r.allowed) securityEvent(request.log, 'auth.rate_limited', { scope: 'ip', ip: request.ip }, 'warn');
  enforce(reply, r, 'Too many authentication requests from this address, try again later');
}

/** 429 while this key is locked out (too many failures in the window), even with the right password. */
async function assertNotLockedOut(
  limits: AuthLimitDeps,
  key: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<number> {
  const { loginFailuresMax } = limits.config;
  const w = await failuresOf(limits, key);
  if (w.count >= loginFailuresMax) {
    const r: LimitResult = { ...w, limit: loginFailuresMax, allowed: false };
    securityEvent(request.log, 'auth.locked_out', { key: key.split(':')[1], ip: request.ip }, 'warn');
    enforce(reply, r, 'Too many failed sign-in attempts for this account, try again later');
  }
  return w.count;
}

/** Count a failure for this key; logs the moment the lockout starts. */
async function recordFailure(
  limits: AuthLimitDeps,
  key: string,
  request: FastifyRequest,
  fields: Record<string, unknown>,
): Promise<void> {
  const { loginFailuresMax, authWindowSec } = limits.config;
  const [shared, durable] = await Promise.all([
    limits.store.incr(key, authWindowSec),
    limits.durable?.incr(key, authWindowSec),
  ]);
  const w = durable ? stricter(shared, durable) : shared;
  if (w.count === loginFailuresMax) {
    securityEvent(
      request.log,
      'auth.lockout_started',
      { ...fields, ip: request.ip, windowSec: Math.ceil(w.resetMs / 1000) },
      'warn',
    );
  }
}

/** Run a password check guarded by the failure counter: 429 while locked out, one failure counted per wrong answer. */
async function withFailureLimit<T>(
  limits: AuthLimitDeps,
  key: string,
  request: FastifyRequest,
  reply: FastifyReply,
  fields: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  const failures = await assertNotLockedOut(limits, key, request, reply);
  try {
    const result = await run();
    await limits.store.reset(key);
    if (failures > 0) await limits.durable?.reset(key);
    return result;
  } catch (err) {
    if ((err as { code?: string }).code === 'INVALID_CREDENTIALS') await recordFailure(limits, key, request, fields);
    throw err;
  }
}

/** A login, counted against the email's failures (`emailRef` is what the lockout log names). */
export const withLoginLimit = <T>(
  limits: AuthLimitDeps,
  email: string,
  emailRef: string,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<T>,
): Promise<T> => withFailureLimit(limits, loginFailKey(email), request, reply, { emailRef }, run);

/** An action that checks the signed-in user's password again (password/email change, account deletion). */
export const withReauthLimit = <T>(
  limits: AuthLimitDeps,
  userId: string,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<T>,
): Promise<T> => withFailureLimit(limits, reauthFailKey(userId), request, reply, { userId }, run);

/**
 * A second-factor check (TOTP code, recovery code; disabling TOTP's password too), counted per account like
 * passwords: RATE_LIMIT_LOGIN_FAILURES_MAX failures per RATE_LIMIT_AUTH_WINDOW_SECONDS, then 429.
 */
export const withMfaLimit = <T>(
  limits: AuthLimitDeps,
  userId: string,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<T>,
): Promise<T> => withFailureLimit(limits, `auth:mfa-fail:${userId}`, request, reply, { userId, factor: 'mfa' }, run);

/** A per-user (or per-email) limit for actions that send mail: RATE_LIMIT_LOGIN_FAILURES_MAX per window. */
export async function limitUserAction(
  limits: AuthLimitDeps,
  action: string,
  subject: string,
  reply: FastifyReply,
): Promise<void> {
  const { loginFailuresMax, authWindowSec } = limits.config;
  const r = await hit(limits.store, `auth:${action}:u:${subject}`, loginFailuresMax, authWindowSec);
  enforce(reply, r);
}
