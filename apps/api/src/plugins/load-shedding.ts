/**
 * Load shedding: above capacity, answer new requests at once with 503 problem+json and Retry-After instead of
 * queueing them behind work the process cannot finish in time, so the requests it does accept keep their latency
 * and a proxy (nginx) or client retries elsewhere or later. Two guards, each off at 0:
 *
 * - MAX_IN_FLIGHT: a cap on requests being worked on at once (admission control). An open stream of arrivals
 *   above capacity otherwise grows the queue without bound — in the pool's wait list and the event loop — until
 *   every request waits longer than its client does and the work done is wasted (bench P11: 1,000 req/s offered
 *   to a box that serves ~190 answered 113/s).
 * - MAX_EVENT_LOOP_DELAY_MS (@fastify/under-pressure): the event loop's mean delay over a 0.5 s sample; catches
 *   CPU saturation that the in-flight count alone does not (a few very expensive requests).
 *
 * Liveness, readiness and metrics are never shed or counted: an overloaded instance is alive, and the
 * orchestrator must not restart it for being busy. The event stream is not counted either: an SSE connection is
 * long-lived by design and costs nothing while idle (its own limit is per user).
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../lib/errors';

const EXEMPT = ['/health', '/api/health', '/metrics'];
const UNCOUNTED = [...EXEMPT, '/api/v1/events'];

function overloaded(detail: string): AppError {
  return new AppError('SERVICE_UNAVAILABLE', `The server is overloaded (${detail}); retry shortly`, {
    headers: { 'retry-after': '1' },
  });
}

async function plugin(app: FastifyInstance) {
  const { maxInFlight, maxEventLoopDelayMs: max } = app.deps.config;
  const shed = app.deps.metrics?.loadShed;
  if (maxInFlight > 0) {
    let inFlight = 0;
    app.addHook('onRequest', async (request, reply) => {
      if (UNCOUNTED.some((p) => request.url.startsWith(p))) return;
      if (inFlight >= maxInFlight) {
        shed?.inc({ reason: 'inFlight' });
        throw overloaded(`${inFlight} requests in flight`);
      }
      inFlight++;
      // 'close' fires once per response, whether it was sent or the connection went away first.
      reply.raw.once('close', () => {
        inFlight--;
      });
    });
  }
  if (max <= 0) return;
  await app.register(underPressure, {
    maxEventLoopDelay: max,
    sampleInterval: 500,
    pressureHandler: (request, _reply, type, value) => {
      if (EXEMPT.some((p) => request.url.startsWith(p))) return undefined; // proceed
      shed?.inc({ reason: type });
      return Promise.reject(overloaded(`${type} ${Math.round(Number(value))}`));
    },
  });
}

export const loadSheddingPlugin = fp(plugin, { name: 'load-shedding', dependencies: ['deps'] });
