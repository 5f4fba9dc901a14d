/**
 * Outgoing webhook requests: the URL policy (https unless WEBHOOK_ALLOW_PRIVATE=true, no credentials), the SSRF
 * guard and the pinned connection of infra/outbound.ts (docs/security.md "Webhooks and SSRF"), the signature, and
 * what counts as a delivered attempt (2xx; a 3xx too is a failure: redirects are not followed). Only the first
 * WEBHOOK_RESPONSE_PREFIX_MAX bytes of the answer are read; the socket is then closed.
 */
import { createHmac } from 'node:crypto';
import { WEBHOOK_RESPONSE_PREFIX_MAX, WEBHOOK_SIGNATURE_HEADER } from '@primetrade/shared';
import {
  checkedAddress,
  type GuardOptions,
  OutboundRefused,
  postPinned,
  type ResolvedAddress,
} from '../../infra/outbound';

export interface Target {
  url: URL;
  /** The checked address the connection goes to. */
  address: ResolvedAddress;
}

/** Resolve and check a webhook URL; throws OutboundRefused with the reason. */
export async function resolveTarget(rawUrl: string, opts: GuardOptions): Promise<Target> {
  const url = URL.parse(rawUrl);
  if (!url) throw new OutboundRefused('not a URL');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundRefused('only http(s) URLs');
  if (url.protocol === 'http:' && !opts.allowPrivate) throw new OutboundRefused('https is required');
  if (url.username || url.password) throw new OutboundRefused('credentials in the URL are not allowed');
  return { url, address: await checkedAddress(url, opts) };
}

/** `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export interface SendResult {
  /** Null when no HTTP answer came (refused, timeout, connection error). */
  status: number | null;
  ms: number;
  error: string | null;
  /** The first ≤ 1 KB of the answer (UTF-8, a cut character dropped). */
  body: string | null;
}

export interface SendOptions {
  connectTimeoutMs: number;
  timeoutMs: number;
  headers: Record<string, string>;
}

/** POST `body` to the checked target (connecting to its checked address only). Never throws. */
export async function post(target: Target, body: string, opts: SendOptions): Promise<SendResult> {
  const answer = await postPinned({
    url: target.url,
    address: target.address,
    headers: { ...opts.headers, 'content-type': 'application/json', 'user-agent': 'Primetrade-Webhooks/1' },
    body,
    timeoutMs: opts.timeoutMs,
    connectTimeoutMs: opts.connectTimeoutMs,
    keepBytes: WEBHOOK_RESPONSE_PREFIX_MAX,
  });
  const error = answer.status === null ? (answer.error ?? 'no answer') : (statusError(answer.status) ?? answer.error);
  return {
    status: answer.status,
    ms: answer.ms,
    error: error ? error.slice(0, 500) : null,
    body: answer.body ? answer.body.toString('utf8').replace(/\uFFFD$/, '') : null,
  };
}

/** A non-2xx answer is a failed attempt (a 3xx too: redirects are not followed). */
function statusError(status: number | null): string | null {
  if (status === null) return 'no answer';
  if (status >= 200 && status < 300) return null;
  return status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
}

export { WEBHOOK_SIGNATURE_HEADER };
