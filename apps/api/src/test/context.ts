/**
 * Integration-test context: a real database (in-memory PGlite always; a fresh PostgreSQL database per context
 * when TEST_DATABASE_URL is set), migrated from empty, and an app built on it. No mocks of the database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type App, buildApp } from '../app';
import { composeModules, type Modules } from '../composition';
import { type Config, type TestConfigOverrides, testConfig } from '../config';
import { createPlatform, type Platform, type PlatformOverrides } from '../platform';
import { type Database, openPglite, openPostgres } from '../infra/db/client';
import { runMigrations } from '../infra/db/migrate';
import { MemoryMailer } from '../infra/mail/mailer';
import { createMailTransport } from '../infra/mail/transport';

export type Driver = 'pglite' | 'postgres';

/** The drivers to run integration suites on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function drivers(): Driver[] {
  return testConfig().testDatabaseUrl ? ['pglite', 'postgres'] : ['pglite'];
}

/** Rate limits no suite meets (a suite that tests a limit builds its own context with that limit). */
export const RATE_LIMITS_OFF: Config['rateLimit'] = {
  apiMax: 1_000_000,
  apiWindowSec: 60,
  authIpMax: 1_000_000,
  loginFailuresMax: 1_000_000,
  authWindowSec: 60,
  taskCreateMax: 1_000_000,
  taskCreateWindowSec: 60,
};

export interface TestContext {
  driver: Driver;
  app: App;
  platform: Platform;
  /** The composed modules (each module's service, for tests that drive one directly). */
  modules: Modules;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

/** A brand-new, migrated PostgreSQL database on the TEST_DATABASE_URL server; dropped by the returned cleanup. */
export async function freshPostgres(
  baseUrl: string,
  poolMax = 10,
): Promise<{ database: Database; url: string; drop: () => Promise<void> }> {
  const name = `pt_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const database = openPostgres({ url: url.toString(), poolMax, statementTimeoutMs: 30_000, connectTimeoutMs: 5_000 });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function openTestDatabase(driver: Driver): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (driver === 'postgres') {
    const url = testConfig().testDatabaseUrl;
    if (!url) throw new Error('TEST_DATABASE_URL is not set');
    const fresh = await freshPostgres(url);
    await runMigrations(fresh.database);
    return fresh;
  }
  // From the migrated template the global setup wrote (initdb in WASM costs ~3 s a database); the migrations
  // still run, so a template older than the migrations only means more of them to apply.
  const database = await openPglite(undefined, testConfig().testPgliteTemplate);
  await runMigrations(database);
  return { database, drop: () => database.close() };
}

/**
 * createPlatform with what tests use instead of the production defaults: a random signing secret (not one kept in
 * DATA_DIR) and mail sent at once, not queued — into a MemoryMailer, or over SMTP when the config names a server.
 */
export function testPlatform(config: Config, database: Database, overrides: PlatformOverrides = {}): Platform {
  const mailer = overrides.mailer ?? (config.smtpUrl ? createMailTransport(config) : new MemoryMailer());
  return createPlatform(config, database, { jwtSecret: randomBytes(32).toString('hex'), ...overrides, mailer });
}

export async function createTestContext(
  driver: Driver = 'pglite',
  options: { config?: TestConfigOverrides; env?: Record<string, string>; overrides?: PlatformOverrides } = {},
): Promise<TestContext> {
  const config = testConfig(options.config, options.env);
  const { database, drop } = await openTestDatabase(driver);
  const platform = testPlatform(config, database, options.overrides);
  const modules = composeModules(platform);
  const app = await buildApp(platform, { modules });
  await app.ready();
  return {
    driver,
    app,
    platform,
    modules,
    database,
    config,
    close: async () => {
      await app.close();
      await drop();
    },
  };
}
