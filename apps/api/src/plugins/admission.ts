/**
 * Admission control (MAX_IN_FLIGHT): a cap on the requests one instance works on at once. Above it, a new request
 * is answered at once with 503 problem+json and `Retry-After: 1`, so the requests already accepted keep their
 * latency and a proxy (nginx) or client retries elsewhere or later, instead of every request queueing until it
 * waits longer than its client does.
 *
 * It sits in front of Fastify, in the HTTP server's request listener (Fastify's `serverFactory`), because a refusal
 * must cost far less than serving: no routing, hooks, logging or serialisation — a fixed body written in one call.
 * Measured on the mixed load (bench P11) at 1,000 req/s offered to a box that serves ~200: refusing through a
 * Fastify hook cost nearly as much CPU as a cheap answer and lowered the goodput (263 → 144–158 req/s); see
 * docs/performance.md.
 *
 * Health, metrics and the event stream are neither refused nor counted: an overloaded instance is alive and must
 * not be restarted for being busy, and an SSE connection is long-lived by design (its limit is per user).
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { ErrorCode } from '@primetrade/shared';
import type { FastifyServerOptions } from 'fastify';
import { problemBody } from '../lib/errors';
import { apiSecurityHeaders } from './security-headers';

const UNCOUNTED = ['/health', '/api/health', '/metrics', '/api/v1/events'];
const DETAIL = 'The server is overloaded; retry shortly';

export interface AdmissionOptions {
  maxInFlight: number;
  secureCookies: boolean;
  /** Called once per refused request (the http_requests_shed_total counter). */
  onShed?: () => void;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A Fastify `serverFactory`: the plain HTTP server Fastify would build, with the admission check in front. */
export function admissionServerFactory({ maxInFlight, secureCookies, onShed }: AdmissionOptions) {
  const headers = {
    ...apiSecurityHeaders(secureCookies),
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
    'retry-after': '1',
  };
  let inFlight = 0;
  const release = () => {
    inFlight--;
  };
  return (handler: Handler, options: FastifyServerOptions) => {
    const server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      if (UNCOUNTED.some((p) => url.startsWith(p))) return handler(req, res);
      if (inFlight >= maxInFlight) {
        onShed?.();
        const requestId = randomUUID();
        const body = JSON.stringify(problemBody({ id: requestId }, 503, ErrorCode.SERVICE_UNAVAILABLE, DETAIL));
        res.writeHead(503, { ...headers, 'x-request-id': requestId, 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      inFlight++;
      // 'close' fires once per response: sent, or the connection gone first.
      res.once('close', release);
      handler(req, res);
    });
    // What Fastify sets on the server it builds itself.
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    return server;
  };
}
