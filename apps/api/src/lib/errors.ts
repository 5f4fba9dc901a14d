import { ErrorCode, errorStatus, type Problem, statusTitle } from '@primetrade/shared';

export interface FieldError {
  path: string;
  message: string;
}

/** A failure the client should see: maps 1:1 onto the contract's problem+json body. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { status?: number; errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.status = options.status ?? errorStatus[code];
    this.errors = options.errors;
    this.headers = options.headers;
  }
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
}

export const notFound = (what = 'Resource') => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
export const unauthenticated = (message = 'Authentication required') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do this') => new AppError(ErrorCode.FORBIDDEN, message);
export const conflict = (message: string, code: ErrorCode = ErrorCode.CONFLICT) => new AppError(code, message);
export const validation = (errors: FieldError[], message = 'The request is not valid') =>
  new AppError(ErrorCode.VALIDATION_FAILED, message, { errors });
export const rateLimited = (retryAfterSec: number, message = 'Too many requests, try again later') =>
  new AppError(ErrorCode.RATE_LIMITED, message, {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSec))) },
  });
export const unavailable = (message = 'A service this request needs is unavailable, try again shortly') =>
  new AppError(ErrorCode.SERVICE_UNAVAILABLE, message, { headers: { 'retry-after': '5' } });

/**
 * The bounds of a problem's text, as the OpenAPI document states them (plugins/openapi.ts): the field errors a body
 * lists (a body with thousands of unknown keys gets the first 100) and the length of each path, message and detail
 * (a path or message can echo a client's key names).
 */
export const PROBLEM_LIMITS = { errors: 100, path: 200, message: 500, detail: 1000 } as const;

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

/** At most PROBLEM_LIMITS.errors field errors, each path and message clipped to its bound. */
export function boundFieldErrors(errors: FieldError[]): FieldError[] {
  return errors.slice(0, PROBLEM_LIMITS.errors).map((e) => ({
    path: clip(e.path, PROBLEM_LIMITS.path),
    message: clip(e.message, PROBLEM_LIMITS.message),
  }));
}

/**
 * The contract's problem+json body (RFC 9457). `request` is anything with the request id: a Fastify request, or
 * `{ id }` where a response is written before Fastify (admission control) or without it (the worker's endpoint).
 */
export function problemBody(
  request: { id: string },
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): Problem {
  return {
    success: false,
    type: 'about:blank',
    title: statusTitle[status] ?? 'Error',
    status,
    detail: clip(detail, PROBLEM_LIMITS.detail),
    code,
    message: clip(detail, PROBLEM_LIMITS.detail),
    ...(errors ? { errors: boundFieldErrors(errors) } : {}),
    requestId: request.id,
  };
}
