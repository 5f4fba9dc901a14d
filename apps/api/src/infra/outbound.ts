/**
 * Outgoing HTTP requests to URLs the users chose (webhooks, Web Push endpoints) and their SSRF guard
 * (docs/security.md "Webhooks and SSRF", "Web Push endpoints").
 *
 * - `checkedAddress` resolves the host once (every address: dns.lookup all) and refuses it when ANY address is
 *   private, loopback, link-local, unique-local, CGNAT, multicast, reserved, unspecified or IPv4-mapped/NAT64 —
 *   unless private targets are allowed (local development, tests). An IP literal is checked the same way.
 * - `postPinned` connects to the address that was checked: the socket's `lookup` answers that address and never
 *   resolves again, so a DNS-rebinding name cannot switch to 127.0.0.1 between the check and the connect. TLS still
 *   verifies the certificate against the URL's host name (SNI = the host name, not the IP). No redirect is followed
 *   (node:http does not). Total and connect timeouts; only the first `keepBytes` of the answer are read.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
/** Every address of a host name (tests give their own: a DNS-rebinding name). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

// Two lists: an IPv4 check also matches a list's IPv4-mapped IPv6 rules (::ffff:0:0/96 would catch every IPv4).
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network, unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata 169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::ffff:0:0', 96], // IPv4-mapped
  ['64:ff9b::', 96], // NAT64 (embeds an IPv4 address)
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blocked6.addSubnet(net, prefix, 'ipv6');

/** True when an address must not be a target (unless private targets are allowed). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address: refuse
  if (family === 6) {
    const lower = address.toLowerCase();
    // ::ffff:127.0.0.1 (dotted IPv4-mapped) and ::127.0.0.1 (IPv4-compatible) — BlockList matches the hex forms.
    if (/^(::ffff:|::)(\d{1,3}\.){3}\d{1,3}$/.test(lower)) return true;
    return blocked6.check(lower, 'ipv6');
  }
  return blocked4.check(address, 'ipv4');
}

/** A target the guard refuses, with the reason in words. */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** The URL's host without an IPv6 literal's brackets. */
export const bareHost = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

export interface GuardOptions {
  allowPrivate: boolean;
  resolver: Resolver;
  /** A lookup slower than this refuses the target (default 5 s). */
  lookupTimeoutMs?: number;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('lookup timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Resolve the URL's host and check every address; the address to connect to. Throws OutboundRefused. */
export async function checkedAddress(url: URL, opts: GuardOptions): Promise<ResolvedAddress> {
  const host = bareHost(url);
  let addresses: ResolvedAddress[];
  const literal = isIP(host);
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await withTimeout(opts.resolver(host), opts.lookupTimeoutMs ?? 5000);
    } catch {
      throw new OutboundRefused(`the host ${host} does not resolve`);
    }
  }
  const first = addresses[0];
  if (!first) throw new OutboundRefused(`the host ${host} does not resolve`);
  if (!opts.allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new OutboundRefused(`the host resolves to a private or reserved address (${bad.address})`);
  }
  return first;
}

export interface PinnedPost {
  url: URL;
  /** The checked address the connection goes to. */
  address: ResolvedAddress;
  headers: Record<string, string>;
  body: string | Buffer | null;
  timeoutMs: number;
  /** Connecting slower than this gives up (none: only the total timeout). */
  connectTimeoutMs?: number;
  /** How much of the answer to read before closing the socket. */
  keepBytes: number;
}

export interface PinnedAnswer {
  /** Null when no HTTP answer came (refused, reset, timeout). */
  status: number | null;
  /** A transport error or a timeout; null when the answer was read (whatever its status). */
  error: string | null;
  ms: number;
  /** The first ≤ keepBytes of the answer, or null when there was none. */
  body: Buffer | null;
}

/** POST to the checked address of `url` (never resolving the host again). Never throws. */
export function postPinned(req: PinnedPost): Promise<PinnedAnswer> {
  const started = performance.now();
  const { url, address } = req;
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
  const isHttps = url.protocol === 'https:';
  const hostname = bareHost(url);
  const length = req.body === null ? 0 : Buffer.byteLength(req.body);
  return new Promise<PinnedAnswer>((resolve) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let kept = 0;
    let status: number | null = null;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(connect);
      const body = chunks.length ? Buffer.concat(chunks).subarray(0, req.keepBytes) : null;
      resolve({ status, error, ms: Math.round(performance.now() - started), body });
      request.destroy();
    };
    const request = (isHttps ? https : http).request(
      {
        protocol: url.protocol,
        hostname,
        port: url.port || (isHttps ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent: false,
        lookup: pinned,
        headers: { ...req.headers, host: url.host, 'content-length': String(length) },
        ...(isHttps && !isIP(hostname) ? { servername: hostname } : {}),
      },
      (res) => {
        status = res.statusCode ?? null;
        res.on('data', (chunk: Buffer) => {
          if (kept < req.keepBytes) chunks.push(chunk);
          kept += chunk.length;
          if (kept >= req.keepBytes) finish(null);
        });
        res.on('end', () => finish(null));
        res.on('error', (err) => finish(err.message || String(err)));
      },
    );
    const total = setTimeout(() => finish(`timed out after ${req.timeoutMs} ms`), req.timeoutMs);
    const connectMs = req.connectTimeoutMs;
    const connect =
      connectMs === undefined
        ? undefined
        : setTimeout(() => finish(`connect timed out after ${connectMs} ms`), connectMs);
    if (connect) {
      request.on('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connect);
        else socket.once('connect', () => clearTimeout(connect));
      });
    }
    request.on('error', (err) => finish(err.message || String(err)));
    request.end(req.body ?? undefined);
  });
}
