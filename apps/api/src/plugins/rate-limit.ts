/**
 * The API-wide limit (per user, or per IP when anonymous) with the contract's RateLimit-* headers, and a helper
 * other modules use for their own limits (auth per IP, login failures per email, task creation per user).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { rateLimited } from '../lib/errors';
import type { RateLimitStore, WindowState } from '../infra/rate-limit';

export interface LimitResult extends WindowState {
  limit: number;
  allowed: boolean;
}

/** Count one hit against `key`; `allowed` is false once the count passes `max`. */
export async function hit(store: RateLimitStore, key: string, max: number, windowSec: number): Promise<LimitResult> {
  const w = await store.incr(key, windowSec);
  return { ...w, limit: max, allowed: w.count <= max };
}

export function setRateLimitHeaders(reply: FastifyReply, r: LimitResult): void {
  reply.header('RateLimit-Limit', String(r.limit));
  reply.header('RateLimit-Remaining', String(Math.max(0, r.limit - r.count)));
  reply.header('RateLimit-Reset', String(Math.max(0, Math.ceil(r.resetMs / 1000))));
}

/** Throw 429 with Retry-After (and the headers) when the result is over its limit. */
export function enforce(reply: FastifyReply, r: LimitResult, message?: string): void {
  setRateLimitHeaders(reply, r);
  if (!r.allowed) throw rateLimited(r.resetMs / 1000, message);
}

const EXEMPT = [/^\/health\//, /^\/api\/health$/, /^\/metrics$/];

export interface RateLimitPluginOptions {
  store: RateLimitStore;
  /** RATE_LIMIT_API_MAX requests per RATE_LIMIT_API_WINDOW_SECONDS. */
  apiMax: number;
  apiWindowSec: number;
}

async function rateLimitPlugin(app: FastifyInstance, { store, apiMax, apiWindowSec }: RateLimitPluginOptions) {
  app.addHook('onRequest', async (request, reply) => {
    const url = request.url;
    if (!url.startsWith('/api/v1/') || EXEMPT.some((re) => re.test(url))) return;
    const key = request.auth ? `api:u:${request.auth.userId}` : `api:ip:${request.ip}`;
    const r = await hit(store, key, apiMax, apiWindowSec);
    enforce(reply, r);
  });
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['auth'] });
