/**
 * Cookie mode (X-Auth-Mode: cookie): tokens travel only as HttpOnly, SameSite=Strict cookies, plus a readable
 * csrf_token the client echoes in X-CSRF-Token (double submit).
 */
import {
  ACCESS_COOKIE,
  AUTH_MODE_HEADER,
  CSRF_COOKIE,
  CSRF_HEADER,
  ErrorCode,
  REFRESH_COOKIE,
} from '@primetrade/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken, safeEqual } from '../../infra/tokens';
import { AppError } from '../../lib/errors';

export const REFRESH_COOKIE_PATH = '/api/v1/auth';
const CSRF_VALUE_RE = /^[A-Za-z0-9_-]{43}$/;

/** What the auth cookies depend on: Secure (false only for an http://localhost app URL), the access cookie's life. */
export interface CookieSettings {
  secure: boolean;
  accessTokenTtlSec: number;
}

export const wantsCookies = (request: FastifyRequest) =>
  String(request.headers[AUTH_MODE_HEADER] ?? '')
    .trim()
    .toLowerCase() === 'cookie';

export function setAuthCookies(
  reply: FastifyReply,
  cookies: CookieSettings,
  issued: { accessToken: string; accessTokenExpiresAt: Date; refreshToken: string; refreshTokenExpiresAt: Date },
  keepCsrf?: string | undefined,
): void {
  const now = Date.now();
  const base = { sameSite: 'strict' as const, secure: cookies.secure };
  const refreshMaxAge = Math.max(1, Math.floor((issued.refreshTokenExpiresAt.getTime() - now) / 1000));
  reply.setCookie(ACCESS_COOKIE, issued.accessToken, {
    ...base,
    httpOnly: true,
    path: '/',
    maxAge: cookies.accessTokenTtlSec,
  });
  reply.setCookie(REFRESH_COOKIE, issued.refreshToken, {
    ...base,
    httpOnly: true,
    path: REFRESH_COOKIE_PATH,
    maxAge: refreshMaxAge,
  });
  // A refresh keeps the CSRF value (a request in flight in another tab still matches); a login issues a new one.
  const csrf = keepCsrf && CSRF_VALUE_RE.test(keepCsrf) ? keepCsrf : randomToken();
  reply.setCookie(CSRF_COOKIE, csrf, { ...base, httpOnly: false, path: '/', maxAge: refreshMaxAge });
}

/** Expired copies of the three cookies (same names and paths), and Clear-Site-Data for the browser. */
export function clearAuthCookies(reply: FastifyReply, cookies: Pick<CookieSettings, 'secure'>): void {
  const base = { sameSite: 'strict' as const, secure: cookies.secure, maxAge: 0, expires: new Date(0) };
  reply.setCookie(ACCESS_COOKIE, '', { ...base, httpOnly: true, path: '/' });
  reply.setCookie(REFRESH_COOKIE, '', { ...base, httpOnly: true, path: REFRESH_COOKIE_PATH });
  reply.setCookie(CSRF_COOKIE, '', { ...base, httpOnly: false, path: '/' });
  reply.header('clear-site-data', '"cookies"');
}

/** A request that uses a cookie credential for a state change must echo the csrf_token cookie. */
export function assertCsrf(request: FastifyRequest): void {
  const header = request.headers[CSRF_HEADER];
  const cookie = request.cookies?.[CSRF_COOKIE];
  if (typeof header !== 'string' || !cookie || !safeEqual(header, cookie)) {
    throw new AppError(ErrorCode.CSRF_FAILED, 'Missing or wrong X-CSRF-Token header');
  }
}
