import type { Problem } from '@primetrade/shared';
import { translate } from './i18n';

export type FieldError = { path: string; message: string };

/** An error answer of the API (application/problem+json), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, errors: FieldError[] = [], requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.requestId = requestId;
  }

  static fromProblem(status: number, body: Partial<Problem> | undefined, requestId?: string | null): ApiError {
    return new ApiError(
      status,
      body?.code ?? `HTTP_${status}`,
      body?.detail ?? body?.message ?? translate('errors', 'requestFailed', { status: String(status) }),
      body?.errors ?? [],
      body?.requestId ?? requestId ?? undefined,
    );
  }

  /** True for failures worth retrying: the network, or a dependency that is down. */
  get transient(): boolean {
    return this.status === 0 || this.status === 503;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** A message fit to show a person (the client's own words in the UI language: `errors:offline`, …). */
export function errorMessage(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 0) return translate('errors', 'offline');
    if (e.status === 429) return translate('errors', 'tooMany');
    return e.message;
  }
  return e instanceof Error ? e.message : translate('errors', 'generic');
}
