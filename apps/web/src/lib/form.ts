import type { FieldError } from './api-error';
import { isApiError } from './api-error';

export type FieldErrors = Record<string, string>;

interface IssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}
interface SafeParseLike<T> {
  success: boolean;
  data?: T;
  error?: { issues: ReadonlyArray<IssueLike> };
}

/** First message per top-level field from a zod safeParse result (shared schemas validate the forms). */
export function issuesToFieldErrors(issues: ReadonlyArray<IssueLike>): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    out[key] ??= issue.message;
  }
  return out;
}

/** Validate with a shared zod schema: `{ data }` or `{ errors }`. */
export function validate<T>(
  schema: { safeParse: (v: unknown) => SafeParseLike<T> },
  value: unknown,
): { data: T; errors?: undefined } | { data?: undefined; errors: FieldErrors } {
  const r = schema.safeParse(value);
  if (r.success) return { data: r.data as T };
  return { errors: issuesToFieldErrors(r.error?.issues ?? []) };
}

/** Field errors from a 400 VALIDATION_FAILED answer of the server. */
export function serverFieldErrors(e: unknown): FieldErrors {
  if (!isApiError(e)) return {};
  const out: FieldErrors = {};
  for (const fe of e.errors as FieldError[]) {
    const key = fe.path.split('.')[0] || '_form';
    out[key] ??= fe.message;
  }
  return out;
}
