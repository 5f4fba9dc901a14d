/**
 * The network boundary of the web tests: a fake `fetch` answering with real Response objects, and the answers the
 * API gives (the `{ success, data }` envelope, problem+json). Everything above fetch (api-client, session refresh,
 * TanStack Query, the components) runs for real.
 */
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

export interface FetchCall {
  method: string;
  /** Path and query, e.g. `/api/v1/tasks?limit=50`. */
  url: string;
  headers: Headers;
  /** The parsed JSON body, if any. */
  body: unknown;
  signal: AbortSignal | undefined;
}

export type FetchHandler = (call: FetchCall) => Response | Promise<Response>;

/** Replace `fetch` for the current test; every request is recorded in `calls` (unmount and restore after each). */
export function fakeFetch(handler: FetchHandler): { calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const raw = init.body;
    const call: FetchCall = {
      method: (init.method ?? 'GET').toUpperCase(),
      url: String(input),
      headers: new Headers(init.headers),
      body: typeof raw === 'string' && raw ? JSON.parse(raw) : undefined,
      signal: init.signal ?? undefined,
    };
    calls.push(call);
    return handler(call);
  });
  return { calls };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A success answer in the API's envelope. */
export function ok(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify({ success: true, data }), {
    status: init.status ?? 200,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
}

/** An error answer (application/problem+json) as the API writes it. */
export function problem(
  status: number,
  code: string,
  detail: string,
  errors?: Array<{ path: string; message: string }>,
): Response {
  return new Response(
    JSON.stringify({
      success: false,
      type: 'about:blank',
      title: code,
      status,
      detail,
      code,
      message: detail,
      requestId: 'req-test',
      ...(errors ? { errors } : {}),
    }),
    { status, headers: { 'content-type': 'application/problem+json' } },
  );
}

/** A promise settled from outside (to hold an answer while the test looks at the state in between). */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Pretend a session exists: the readable CSRF cookie the server sets at sign-in. */
export function signIn(): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the test sets the cookie the server would have set
  document.cookie = 'csrf_token=test-csrf; path=/';
  localStorage.clear();
}
