/**
 * The checks on a state-changing request (POST/PUT/PATCH/DELETE) that a cookie authenticates (issue 13, item 9):
 * it must come from one of the app's own origins — its Origin header, or failing that its Referer, names APP_URL's
 * origin or one of CORS_ORIGINS — and it must echo the CSRF cookie in X-CSRF-Token (double submit). Either failing
 * is 403 CSRF_FAILED. A bearer request carries no ambient credential and is not checked.
 */
import { timingSafeEqual } from 'node:crypto';
import { CSRF_HEADER, ErrorCode } from '@primetrade/shared';
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors';

export interface CookieWritePolicy {
  /** The origins a cookie-authenticated write may come from (config.cookieWriteOrigins). */
  origins: readonly string[];
  /** The CSRF cookie's name (authCookieNames(secure).csrf). */
  csrfCookie: string;
}

/** `scheme://host[:port]` of a URL, as the browser writes it in Origin; undefined when it is not an http(s) URL. */
export function originOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The request's origin as its Origin header says, else as its Referer says; undefined when neither names one. */
export function requestOrigin(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const { origin, referer } = request.headers;
  // "Origin: null" (a sandboxed frame, a redirect across origins) names no origin and never matches.
  if (typeof origin === 'string' && origin !== '') return origin === 'null' ? undefined : originOf(origin);
  return typeof referer === 'string' && referer !== '' ? originOf(referer) : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Throws 403 CSRF_FAILED unless the request comes from an allowed origin and echoes the CSRF cookie. */
export function assertCookieWrite(request: FastifyRequest, policy: CookieWritePolicy): void {
  const from = requestOrigin(request);
  if (!from || !policy.origins.includes(from)) {
    throw new AppError(
      ErrorCode.CSRF_FAILED,
      from
        ? 'Cross-origin request refused: a cookie-authenticated write must come from the app itself'
        : 'A cookie-authenticated write must send an Origin (or Referer) header naming the app',
    );
  }
  const header = request.headers[CSRF_HEADER];
  const cookie = request.cookies?.[policy.csrfCookie];
  if (typeof header !== 'string' || !cookie || !sameSecret(header, cookie)) {
    throw new AppError(ErrorCode.CSRF_FAILED, 'Missing or wrong X-CSRF-Token header');
  }
}
