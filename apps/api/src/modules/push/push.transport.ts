/**
 * The HTTP side of Web Push: which push endpoints are accepted, and the POST to one (docs/security.md "Web Push
 * endpoints").
 *
 * A push endpoint is a URL the browser hands us, so it is treated like a webhook target: https only, no
 * credentials in the URL, and every address the host resolves to must be public (infra/outbound.ts's block
 * list) — unless PUSH_ALLOW_PRIVATE (tests, local development). The connection goes to the checked address (no
 * second DNS lookup, so a rebinding name cannot switch to 127.0.0.1), no redirect is followed, and a push service
 * slower than PUSH_TIMEOUT_MS is a failed send. The answer's body is read up to 1 KB and dropped.
 */
import { isIP } from 'node:net';
import {
  bareHost,
  checkedAddress,
  isPrivateAddress,
  OutboundRefused,
  postPinned,
  type ResolvedAddress,
  type Resolver,
} from '../../infra/outbound';

export interface EndpointPolicy {
  allowPrivate: boolean;
  resolver: Resolver;
}

/** The URL-only checks (no DNS): what POST /push/subscriptions refuses with a 400 at once. */
export function checkEndpointUrl(raw: string, allowPrivate: boolean): URL {
  const url = URL.parse(raw);
  if (!url) throw new OutboundRefused('not a URL');
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new OutboundRefused('a push endpoint must be an https URL');
  }
  if (url.username || url.password) throw new OutboundRefused('credentials in the URL are not allowed');
  const host = bareHost(url);
  if (!allowPrivate) {
    if (isIP(host) && isPrivateAddress(host)) throw new OutboundRefused('a push endpoint must be on a public host');
    if (host === 'localhost' || host.endsWith('.localhost')) {
      throw new OutboundRefused('a push endpoint must be on a public host');
    }
  }
  return url;
}

/** Resolve the endpoint's host and check every address; the address to connect to. */
export async function resolveEndpoint(
  raw: string,
  policy: EndpointPolicy,
): Promise<{ url: URL; address: ResolvedAddress }> {
  const url = checkEndpointUrl(raw, policy.allowPrivate);
  return { url, address: await checkedAddress(url, policy) };
}

export interface PushRequest {
  url: URL;
  address: ResolvedAddress;
  headers: Record<string, string | number>;
  body: Buffer | null;
  timeoutMs: number;
}

export interface PushAnswer {
  /** Null when no HTTP answer came (refused, reset, timeout). */
  status: number | null;
  error: string | null;
  ms: number;
}

/** POST one push message (the encrypted body web-push prepared) to the checked address. Never throws. */
export async function postPush(req: PushRequest): Promise<PushAnswer> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = String(v);
  const answer = await postPinned({
    url: req.url,
    address: req.address,
    headers: { ...headers, 'user-agent': 'Primetrade-Push/1' },
    body: req.body,
    timeoutMs: req.timeoutMs,
    keepBytes: 1024,
  });
  return { status: answer.status, error: answer.error, ms: answer.ms };
}
