import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Check, timedCheck } from '../../lib/timed-check';

/** Named dependency probes; `database` decides between "degraded" and "down". */
export type ReadinessChecks = { database: () => Promise<unknown> } & Record<string, () => Promise<unknown>>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by server.ts on SIGTERM: readiness answers "down" while in-flight requests drain. */
    shuttingDown: boolean;
  }
}

export const healthRoutes = (checks: ReadinessChecks) =>
  async function healthRoutes(app: FastifyInstance) {
    const ready = async () => {
      if (app.shuttingDown) {
        return {
          code: 503,
          body: { status: 'down' as const, checks: {} as Record<string, Check>, reason: 'shutting down' },
        };
      }
      const results: Record<string, Check> = {};
      for (const [name, fn] of Object.entries(checks)) results[name] = await timedCheck(fn);
      const dbOk = results.database?.status === 'ok';
      const allOk = Object.values(results).every((c) => c.status === 'ok');
      const status = allOk ? ('ok' as const) : dbOk ? ('degraded' as const) : ('down' as const);
      return { code: allOk ? 200 : 503, body: { status, checks: results } };
    };

    const schema = { hide: true } as const;
    app.get('/health/live', { schema }, async (_req, reply) => {
      reply.header('cache-control', 'no-store');
      return { status: 'ok' };
    });
    const readyHandler = async (_req: unknown, reply: FastifyReply) => {
      const r = await ready();
      reply.code(r.code).header('cache-control', 'no-store');
      return r.body;
    };
    app.get('/health/ready', { schema }, readyHandler);
    app.get('/api/health', { schema }, readyHandler);
  };
