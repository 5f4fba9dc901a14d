/**
 * The application's dependencies, built once per process (or per test) and handed to buildApp.
 * In-process implementations by default; Redis-backed ones replace them when REDIS_URL is set.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config';
import type { Database } from './infra/db';
import { MemoryRateLimitStore, type RateLimitStore } from './infra/rate-limit';
import { loadOrCreateSecret } from './infra/secrets';
import { SessionGuard } from './infra/session-guard';
import { TokenService } from './infra/tokens';

export interface Deps {
  config: Config;
  database: Database;
  tokens: TokenService;
  sessionGuard: SessionGuard;
  rateLimitStore: RateLimitStore;
  /** Things to close when the app closes (beyond the database, which the caller owns). */
  closers: Array<() => Promise<void>>;
}

export interface DepsOverrides {
  rateLimitStore?: RateLimitStore;
  jwtSecret?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: Deps;
  }
}

export function createDeps(config: Config, database: Database, overrides: DepsOverrides = {}): Deps {
  const secret =
    overrides.jwtSecret ??
    config.jwtSecret ??
    (config.nodeEnv === 'test' ? randomBytes(32).toString('hex') : loadOrCreateSecret(config.dataDir));
  const rateLimitStore = overrides.rateLimitStore ?? new MemoryRateLimitStore();
  return {
    config,
    database,
    tokens: new TokenService(secret, config.accessTokenTtlSec),
    sessionGuard: new SessionGuard(database.db),
    rateLimitStore,
    closers: [async () => rateLimitStore.close?.()],
  };
}

export const depsPlugin = fp(
  async (app: FastifyInstance, opts: { deps: Deps }) => {
    app.decorate('deps', opts.deps);
    app.addHook('onClose', async () => {
      for (const close of opts.deps.closers) await close();
    });
  },
  { name: 'deps' },
);
