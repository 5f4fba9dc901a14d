/**
 * Load shedding (@fastify/under-pressure): when the event loop's mean delay over a 0.5 s sample passes
 * MAX_EVENT_LOOP_DELAY_MS, new requests are answered at once with 503 problem+json and Retry-After instead of
 * queueing behind work the process cannot finish in time; the lag stays bounded and a proxy (nginx) or client
 * retries elsewhere or later. Liveness, readiness and metrics are never shed: an overloaded instance is alive,
 * and the orchestrator must not restart it for being busy. The cap on requests in flight is in admission.ts.
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from '../infra/metrics';
import { AppError } from '../lib/errors';

const EXEMPT = ['/health', '/api/health', '/metrics'];

function overloaded(detail: string): AppError {
  return new AppError('SERVICE_UNAVAILABLE', `The server is overloaded (${detail}); retry shortly`, {
    headers: { 'retry-after': '1' },
  });
}

export interface LoadSheddingOptions {
  /** MAX_EVENT_LOOP_DELAY_MS; 0 turns shedding off. */
  maxEventLoopDelayMs: number;
  metrics?: Pick<Metrics, 'loadShed'>;
}

async function plugin(app: FastifyInstance, { maxEventLoopDelayMs: max, metrics }: LoadSheddingOptions) {
  const shed = metrics?.loadShed;
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

export const loadSheddingPlugin = fp(plugin, { name: 'load-shedding' });
