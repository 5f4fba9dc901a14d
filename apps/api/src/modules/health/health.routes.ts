import type { FastifyInstance } from 'fastify';

interface Check {
  status: 'ok' | 'down';
  latencyMs: number;
  error?: string;
}

async function timed(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round((performance.now() - start) * 100) / 100 };
  } catch (err) {
    return {
      status: 'down',
      latencyMs: Math.round((performance.now() - start) * 100) / 100,
      error: err instanceof Error && err.message === 'timeout' ? 'timeout' : 'unreachable',
    };
  } finally {
    clearTimeout(timer);
  }
}

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
    const checks: Record<string, Check> = { database: await timed(() => app.deps.database.ping()) };
    for (const [name, fn] of app.readinessChecks) checks[name] = await timed(fn);
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
