/**
 * Cookie mode (X-Auth-Mode: cookie): tokens travel only as HttpOnly, SameSite=Strict cookies, plus a readable
 * CSRF cookie the client echoes in X-CSRF-Token (double submit). Over https the names carry the `__Host-` /
 * `__Secure-` prefixes (authCookieNames). A write a cookie authenticates must also come from the app's origin.
 */
import { AUTH_MODE_HEADER, authCookieNames } from '@primetrade/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../../infra/tokens';
import { assertCookieWrite } from '../../lib/cookie-writes';

export const REFRESH_COOKIE_PATH = '/api/v1/auth';
const CSRF_VALUE_RE = /^[A-Za-z0-9_-]{43}$/;

/**
 * What the auth cookies depend on: Secure and the prefixed names (false only for an http://localhost app URL), the
 * access cookie's life, the origins a cookie-authenticated write may come from.
 */
export interface CookieSettings {
  secure: boolean;
  accessTokenTtlSec: number;
  origins: readonly string[];
}

/** The request's refresh and CSRF cookies, under the names these settings give them. */
export function readAuthCookies(request: FastifyRequest, cookies: Pick<CookieSettings, 'secure'>) {
  const names = authCookieNames(cookies.secure);
  return { refresh: request.cookies?.[names.refresh], csrf: request.cookies?.[names.csrf] };
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
  const names = authCookieNames(cookies.secure);
  const base = { sameSite: 'strict' as const, secure: cookies.secure };
  const refreshMaxAge = Math.max(1, Math.floor((issued.refreshTokenExpiresAt.getTime() - now) / 1000));
  reply.setCookie(names.access, issued.accessToken, {
    ...base,
    httpOnly: true,
    path: '/',
    maxAge: cookies.accessTokenTtlSec,
  });
  reply.setCookie(names.refresh, issued.refreshToken, {
    ...base,
    httpOnly: true,
    path: REFRESH_COOKIE_PATH,
    maxAge: refreshMaxAge,
  });
  // A refresh keeps the CSRF value (a request in flight in another tab still matches); a login issues a new one.
  const csrf = keepCsrf && CSRF_VALUE_RE.test(keepCsrf) ? keepCsrf : randomToken();
  reply.setCookie(names.csrf, csrf, { ...base, httpOnly: false, path: '/', maxAge: refreshMaxAge });
}

/** Expired copies of the three cookies (same names and paths), and Clear-Site-Data for the browser. */
export function clearAuthCookies(reply: FastifyReply, cookies: Pick<CookieSettings, 'secure'>): void {
  const names = authCookieNames(cookies.secure);
  const base = { sameSite: 'strict' as const, secure: cookies.secure, maxAge: 0, expires: new Date(0) };
  reply.setCookie(names.access, '', { ...base, httpOnly: true, path: '/' });
  reply.setCookie(names.refresh, '', { ...base, httpOnly: true, path: REFRESH_COOKIE_PATH });
  reply.setCookie(names.csrf, '', { ...base, httpOnly: false, path: '/' });
  reply.header('clear-site-data', '"cookies"');
}

/** A request that uses a cookie credential for a state change must come from the app and echo the CSRF cookie. */
export function assertCsrf(request: FastifyRequest, cookies: Pick<CookieSettings, 'secure' | 'origins'>): void {
  assertCookieWrite(request, { origins: cookies.origins, csrfCookie: authCookieNames(cookies.secure).csrf });
}
