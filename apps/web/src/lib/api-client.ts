/**
 * The one way the web app talks to the API: same-origin fetch with the session cookies, the CSRF header on
 * every write, problem+json errors turned into ApiError, and one silent refresh + retry on a 401.
 */
import { ApiError } from './api-error';
import { translate } from './i18n';
import { readCookie } from './cookies';
import { refreshSession } from './session-refresh';

export const API_BASE = '/api/v1';

type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** JSON body (serialised here) or a raw body (text, Blob) with its content type. */
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Ask for tokens as cookies (register, login, refresh). */
  cookieAuth?: boolean;
  /** Do not try a silent refresh on 401 (the auth endpoints themselves). */
  noRefresh?: boolean;
}

export interface ApiResponse<T, M = unknown> {
  data: T;
  meta: M | undefined;
  headers: Headers;
  status: number;
}

/** Listeners told when the session is gone for good (refresh failed). */
const sessionLostListeners = new Set<() => void>();
export function onSessionLost(fn: () => void): () => void {
  sessionLostListeners.add(fn);
  return () => sessionLostListeners.delete(fn);
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.contentType) {
    headers['content-type'] = opts.contentType;
  }
  if (method !== 'GET') {
    const csrf = readCookie('csrf_token');
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  if (opts.cookieAuth) headers['x-auth-mode'] = 'cookie';
  try {
    return await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body: body ?? null,
      credentials: 'same-origin',
      signal: opts.signal ?? null,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', translate('errors', 'offline'));
  }
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> | undefined;
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  return ApiError.fromProblem(res.status, body as never, res.headers.get('x-request-id'));
}

/**
 * Only UNAUTHENTICATED and TOKEN_EXPIRED say the session needs a refresh. Another 401 (INVALID_CREDENTIALS: a wrong
 * current password in a form) is the answer to show: refreshing and resending would sign the user out and count the
 * wrong password twice toward the lockout.
 */
async function meansSessionExpired(res: Response): Promise<boolean> {
  try {
    const body = (await res.clone().json()) as { code?: unknown };
    return body.code === undefined || body.code === 'UNAUTHENTICATED' || body.code === 'TOKEN_EXPIRED';
  } catch {
    return true;
  }
}

/** Sends a request; on a 401 for the session refreshes it once (serialised across tabs) and retries. */
export async function apiFetch(path: string, opts: RequestOptions = {}): Promise<Response> {
  const startedAt = Date.now();
  let res = await send(path, opts);
  if (res.status === 401 && !opts.noRefresh && (await meansSessionExpired(res))) {
    const refreshed = await refreshSession(startedAt);
    if (refreshed) res = await send(path, opts);
    if (res.status === 401) for (const fn of sessionLostListeners) fn();
  }
  if (!res.ok && res.status !== 304) throw await toApiError(res);
  return res;
}

/** JSON request returning the envelope's data and meta. 204 gives `undefined` data. */
export async function api<T, M = unknown>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T, M>> {
  const res = await apiFetch(path, opts);
  if (res.status === 204 || res.status === 304) {
    return { data: undefined as T, meta: undefined, headers: res.headers, status: res.status };
  }
  const envelope = (await res.json()) as { data: T; meta?: M };
  return { data: envelope.data, meta: envelope.meta, headers: res.headers, status: res.status };
}
