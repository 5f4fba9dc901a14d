/**
 * Process roles (roles.ts, issue 19 item 4): ROLES picks the route modules and background parts of a process from
 * one table. Each role's app is built on a real database (PGlite, and PostgreSQL when TEST_DATABASE_URL is set) and
 * asked through app.inject which routes exist; ops routes answer on every role; an unknown role stops the start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './app';
import { buildApp } from './app';
import { composeModules, type ModuleParts } from './composition';
import { ConfigError, loadConfig, testConfig } from './config';
import type { Database } from './infra/db/client';
import {
  consumesJobs,
  parseRoles,
  ROLE_TABLE,
  type Role,
  routeMounts,
  runsBackground,
  runsEverything,
  schedulesJobs,
} from './roles';
import { drivers, openTestDatabase, RATE_LIMITS_OFF, testPlatform } from './test/context';
import { spawnCaptured } from './test/server-process';

const API = '/api/v1';

/** A probe per role: a request only that role's routes answer (anything but 404 = the route exists). */
const PROBES = {
  auth: { method: 'POST', url: `${API}/auth/login`, payload: {} },
  users: { method: 'GET', url: `${API}/users/me` },
  tokens: { method: 'GET', url: `${API}/tokens` },
  tasks: { method: 'GET', url: `${API}/tasks` },
  projects: { method: 'GET', url: `${API}/projects` },
  events: { method: 'GET', url: `${API}/events` },
} as const;
type Probe = keyof typeof PROBES;
const PROBE_ROLE: Record<Probe, 'auth' | 'tasks' | 'events'> = {
  auth: 'auth',
  users: 'auth',
  tokens: 'auth',
  tasks: 'tasks',
  projects: 'tasks',
  events: 'events',
};

async function exists(app: App, probe: Probe): Promise<boolean> {
  const p = PROBES[probe];
  const res = await app.inject({ method: p.method, url: p.url, ...('payload' in p ? { payload: p.payload } : {}) });
  return res.statusCode !== 404;
}

/** Which probes an app answers — the check the planted fault below must trip. */
async function routeMap(app: App): Promise<Record<Probe, boolean>> {
  const out = {} as Record<Probe, boolean>;
  for (const probe of Object.keys(PROBES) as Probe[]) out[probe] = await exists(app, probe);
  return out;
}

function expected(roles: Role[]): Record<Probe, boolean> {
  const out = {} as Record<Probe, boolean>;
  for (const probe of Object.keys(PROBES) as Probe[]) {
    out[probe] = roles.includes('all') || roles.includes(PROBE_ROLE[probe]);
  }
  return out;
}

describe('ROLES parsing (config.ts)', () => {
  it('defaults to all; lists, trims and de-duplicates', () => {
    expect(parseRoles(undefined)).toEqual({ roles: ['all'], unknown: [] });
    expect(parseRoles(' auth , Tasks,auth ')).toEqual({ roles: ['auth', 'tasks'], unknown: [] });
    expect(loadConfig({}).roles).toEqual(['all']);
    expect(loadConfig({ ROLES: 'events,worker', REDIS_URL: 'redis://127.0.0.1:6379' }).roles).toEqual([
      'events',
      'worker',
    ]);
  });

  it('an unknown role, or a split role without Redis, is a ConfigError naming ROLES', () => {
    expect(() => loadConfig({ ROLES: 'auth,billing', REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(ConfigError);
    expect(() => loadConfig({ ROLES: 'auth,billing', REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /ROLES: unknown role 'billing' \(expected a comma list of auth, tasks, events, worker, scheduler, all\)/,
    );
    expect(() => loadConfig({ ROLES: 'tasks' })).toThrow(/ROLES: tasks needs REDIS_URL/);
  });

  it('the job roles: worker consumes, scheduler schedules; all keeps the API a producer (as before the split)', () => {
    expect(consumesJobs(['worker'])).toBe(true);
    expect(consumesJobs(['all'])).toBe(false);
    expect(schedulesJobs(['scheduler'])).toBe(true);
    expect(schedulesJobs(['worker', 'tasks'])).toBe(false);
    expect(runsEverything(['all'])).toBe(true);
    expect(runsEverything(['auth', 'tasks', 'events'])).toBe(false);
  });

  it('background parts: the relay on tasks, the event hub on tasks and events, nothing on auth or the job roles', () => {
    expect(runsBackground('tasks', ['tasks'])).toBe(true);
    expect(runsBackground('tasks', ['events'])).toBe(false);
    expect(runsBackground('events', ['events'])).toBe(true);
    expect(runsBackground('events', ['tasks'])).toBe(true);
    for (const m of ['tasks', 'events', 'reminders']) {
      expect(runsBackground(m, ['auth'])).toBe(false);
      expect(runsBackground(m, ['worker', 'scheduler'])).toBe(false);
      expect(runsBackground(m, ['all'])).toBe(true);
    }
  });

  it('a process started with an unknown role refuses to start with a clear message', async () => {
    const p = spawnCaptured(['--import', 'tsx', 'apps/api/src/server.ts'], {
      ROLES: 'tasks,frontend',
      REDIS_URL: 'redis://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toMatch(/Invalid configuration: ROLES: unknown role 'frontend'/);
  }, 60_000);
});

describe.each(drivers())('process roles on %s', (driver) => {
  let database: Database;
  let drop: () => Promise<void>;
  const apps = new Map<string, App>();
  const build = async (roles: Role[]) => {
    const config = testConfig({ roles, rateLimit: RATE_LIMITS_OFF });
    const platform = testPlatform(config, database);
    const app = await buildApp(platform, { modules: composeModules(platform) });
    await app.ready();
    return app;
  };

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(driver));
    for (const roles of [['all'], ['auth'], ['tasks'], ['events'], ['worker'], ['scheduler']] as Role[][]) {
      apps.set(roles.join(','), await build(roles));
    }
  });
  afterAll(async () => {
    for (const app of apps.values()) await app.close();
    await drop?.();
  });

  it('the table names every module with routes exactly once, and only real modules', () => {
    const platform = testPlatform(testConfig(), database);
    const modules = composeModules(platform) as Record<string, ModuleParts>;
    const mounted = ROLE_TABLE.mounts.map((m) => m.module);
    expect(new Set(mounted).size).toBe(mounted.length);
    for (const name of mounted) expect(Object.keys(modules)).toContain(name);
    const routed = Object.entries(modules)
      .filter(([name, m]) => m.routes && name !== 'health')
      .map(([name]) => name);
    expect(routed.filter((name) => !mounted.includes(name))).toEqual([]);
    // Every background part is placed (a module with a start missing from the table would run only under all).
    const started = Object.entries(modules)
      .filter(([, m]) => m.start)
      .map(([name]) => name);
    expect(started.filter((name) => !(name in ROLE_TABLE.background))).toEqual([]);
  });

  it.each([['all'], ['auth'], ['tasks'], ['events'], ['worker'], ['scheduler']] as Role[][])(
    'ROLES=%s serves its routes and only those',
    async (...roles) => {
      const app = apps.get(roles.join(','));
      if (!app) throw new Error('no app');
      expect(await routeMap(app)).toEqual(expected(roles));
    },
  );

  it('e.g. GET /tasks on an auth app is 404, /auth/login on a tasks app is 404 (problem+json)', async () => {
    const tasksOnAuth = await apps.get('auth')?.inject({ method: 'GET', url: `${API}/tasks` });
    expect(tasksOnAuth?.statusCode).toBe(404);
    expect(tasksOnAuth?.headers['content-type']).toMatch(/application\/problem\+json/);
    const loginOnTasks = await apps
      .get('tasks')
      ?.inject({ method: 'POST', url: `${API}/auth/login`, payload: { email: 'a@b.test', password: 'x' } });
    expect(loginOnTasks?.statusCode).toBe(404);
    // The route exists on its own role: 401 without a session, not 404.
    expect((await apps.get('tasks')?.inject({ method: 'GET', url: `${API}/tasks` }))?.statusCode).toBe(401);
    expect((await apps.get('events')?.inject({ method: 'GET', url: `${API}/events` }))?.statusCode).toBe(401);
  });

  it('health, readiness, metrics and the OpenAPI document answer on every role', async () => {
    for (const [name, app] of apps) {
      for (const url of ['/health/live', '/health/ready', '/api/health', '/metrics', `${API}/openapi.json`]) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, `${url} on ROLES=${name}`).toBe(200);
      }
    }
  });

  it('the split roles together serve exactly what all serves, with no path on two roles', async () => {
    const paths = async (key: string) => {
      const doc = (await apps.get(key)?.inject({ method: 'GET', url: `${API}/openapi.json` }))?.json() as {
        paths: Record<string, unknown>;
      };
      return Object.keys(doc.paths).filter((p) => p.startsWith(API));
    };
    const all = await paths('all');
    const split = [...(await paths('auth')), ...(await paths('tasks')), ...(await paths('events'))];
    expect(new Set(split).size).toBe(split.length);
    expect(split.toSorted()).toEqual(all.toSorted());
    expect(await paths('worker')).toEqual([]);
    console.info(
      `routes per role: auth ${(await paths('auth')).length}, tasks ${(await paths('tasks')).length}, events ${(await paths('events')).length}, all ${all.length} paths`,
    );
  });

  it('planted fault: a tasks mount placed on the auth role is caught by the route check', async () => {
    const tasksMount = ROLE_TABLE.mounts.find((m) => m.module === 'tasks');
    if (!tasksMount) throw new Error('no tasks mount');
    tasksMount.role = 'auth';
    try {
      const faulty = await build(['auth']);
      try {
        const got = await routeMap(faulty);
        expect(got).not.toEqual(expected(['auth']));
        expect(got.tasks).toBe(true);
      } finally {
        await faulty.close();
      }
    } finally {
      tasksMount.role = 'tasks';
    }
    expect(routeMounts(['auth']).some((m) => m.module === 'tasks')).toBe(false);
  });
});
