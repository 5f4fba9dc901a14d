/**
 * The API-wide limit (per user, or per IP when anonymous) with the contract's RateLimit-* headers. The counting and
 * header helpers it uses live in infra/rate-limit.ts, beside the store, where the modules' own limits find them too.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { enforce, hit, type RateLimitStore } from '../infra/rate-limit';

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
