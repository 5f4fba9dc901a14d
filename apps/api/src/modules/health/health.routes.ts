import type { FastifyInstance } from 'fastify';
import { type Check, timedCheck } from '../../lib/timed-check';

export type ReadinessCheck = () => Promise<unknown>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Extra readiness checks (redis, ...) registered by other modules; a failing one makes the answer "degraded". */
    readinessChecks: Map<string, ReadinessCheck>;
    shuttingDown: boolean;
  }
}

export async function healthRoutes(app: FastifyInstance) {
  const ready = async () => {
    if (app.shuttingDown) {
      return {
        code: 503,
        body: { status: 'down' as const, checks: {} as Record<string, Check>, reason: 'shutting down' },
      };
    }
    const checks: Record<string, Check> = { database: await timedCheck(() => app.deps.database.ping()) };
    for (const [name, fn] of app.readinessChecks) checks[name] = await timedCheck(fn);
    const dbOk = checks.database?.status === 'ok';
    const allOk = Object.values(checks).every((c) => c.status === 'ok');
    const status = allOk ? ('ok' as const) : dbOk ? ('degraded' as const) : ('down' as const);
    return { code: allOk ? 200 : 503, body: { status, checks } };
  };

  const schema = { hide: true } as const;
  app.get('/health/live', { schema }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  const readyHandler = async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const r = await ready();
    reply.code(r.code).header('cache-control', 'no-store');
    return r.body;
  };
  app.get('/health/ready', { schema }, readyHandler);
  app.get('/api/health', { schema }, readyHandler);
}
