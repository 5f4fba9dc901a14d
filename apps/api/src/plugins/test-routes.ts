/**
 * Test-only routes, mounted only with TEST_ROUTES=true (config refuses it in production). They exist so that
 * process-level tests (graceful shutdown, error reporting) can hold a request in flight or force a 500 without
 * adding anything to the product's routes.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

export async function testRoutes(app: FastifyInstance) {
  const schema = {
    hide: true,
    querystring: z.object({ ms: z.coerce.number().int().min(0).max(30_000).default(1000) }),
  };
  app.get('/__test/slow', { schema }, async (request) => {
    const { ms } = request.query as { ms: number };
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { ok: true, waitedMs: ms };
  });
  app.get('/__test/fail', { schema: { hide: true } }, async () => {
    throw new Error('forced failure (test route)');
  });
}
