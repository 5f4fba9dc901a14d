/**
 * The role split end to end (issue 19 item 4): five SEPARATE processes of the one build — `node
 * apps/api/dist/server.js` with ROLES=auth, tasks, events, worker and scheduler — on one PostgreSQL and one Redis,
 * behind nginx running deploy/nginx/roles.conf (rendered for loopback ports), and the black-box flows through nginx:
 * register and log in (auth), create and list tasks (tasks), an SSE stream that receives the task's event (events:
 * published by the tasks process, fanned out through Redis), the verification mail sent by the worker process (a
 * BullMQ job the auth process queued) and a due-soon reminder mail (the scan job the scheduler process registered,
 * run by the worker). Each process answers only its own routes (a direct request to the wrong role is 404).
 *
 * Builds apps/api/dist first when it is missing or predates ROLES. Needs TEST_DATABASE_URL, TEST_REDIS_URL and
 * nginx; skipped with a message without them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres } from './test/context';
import type { TestUser } from './test/factories';
import { runMigrations } from './infra/db/migrate';
import { type CapturedProcess, freePort, spawnCaptured } from './test/server-process';
import { decodeQP, startSmtpServer } from './test/smtp';
import { openStream } from './test/sse';
import { waitFor } from './test/two-instances';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The build under test (ROLES_TEST_DIST: another build directory, e.g. a private one while others rebuild dist). */
const DIST = path.resolve(ROOT, process.env.ROLES_TEST_DIST ?? 'apps/api/dist');
const ROLES_CONF = path.join(ROOT, 'deploy/nginx/roles.conf');
const WEB_INDEX = path.join(ROOT, 'apps/web/dist/index.html');
const API = '/api/v1';
const PASSWORD = 'violet staple orbit lantern';
const SPLIT = ['auth', 'tasks', 'events', 'worker', 'scheduler'] as const;
type SplitRole = (typeof SPLIT)[number];

const hasNginx = spawnSync('sh', ['-c', 'command -v nginx']).status === 0;
const services = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL);
if (!services || !hasNginx) {
  console.warn(
    `roles.cluster.test.ts skipped: needs ${[
      ...(services ? [] : ['TEST_DATABASE_URL and TEST_REDIS_URL']),
      ...(hasNginx ? [] : ['nginx']),
    ].join(' and ')}`,
  );
}

/** The dist has the roles code (the bundle's chunks carry the ROLES error message); else build it. */
function ensureBuilt(): void {
  const built = () =>
    existsSync(path.join(DIST, 'server.js')) &&
    readdirSync(DIST).some((f) => f.endsWith('.js') && readFileSync(path.join(DIST, f), 'utf8').includes('ROLES: '));
  if (built()) return;
  if (process.env.ROLES_TEST_DIST) throw new Error(`${DIST} has no ROLES-aware server.js`);
  const r = spawnSync('npm', ['run', 'build', '-w', '@primetrade/api'], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  if (r.status !== 0 || !built()) throw new Error(`npm run build -w @primetrade/api failed:\n${r.stdout}\n${r.stderr}`);
}

/** deploy/nginx/roles.conf for loopback: listen, each role's upstream host, logs. Throws if a line is not found. */
export function renderRolesConf(source: string, o: { listen: number; ports: Record<string, number>; prefix: string }) {
  let out = source;
  const sub = (re: RegExp, to: string) => {
    if (!re.test(out)) throw new Error(`roles.conf: ${re} not found`);
    out = out.replace(re, to);
  };
  sub(/^( *)listen 8080;$/m, `$1listen 127.0.0.1:${o.listen};`);
  sub(/^ *listen \[::\]:8080;\n/m, '');
  for (const [role, port] of Object.entries(o.ports)) {
    if (!out.includes(`server api-${role}:3000`)) throw new Error(`roles.conf: no upstream server api-${role}:3000`);
    out = out.replaceAll(`server api-${role}:3000`, `server 127.0.0.1:${port}`);
  }
  sub(/error_log \/dev\/stderr/, `error_log ${path.join(o.prefix, 'error.log')}`);
  sub(/access_log \/dev\/stdout/, `access_log ${path.join(o.prefix, 'access.log')}`);
  return out;
}

interface RoleProcess {
  role: SplitRole;
  port: number;
  proc: CapturedProcess;
}

describe.runIf(services && hasNginx)('roles as separate processes behind nginx (deploy/nginx/roles.conf)', () => {
  const procs: RoleProcess[] = [];
  let nginx: ReturnType<typeof spawn> | undefined;
  let base = '';
  let prefix = '';
  let dropDb: (() => Promise<void>) | undefined;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  const byRole = (r: SplitRole) => procs.find((p) => p.role === r) as RoleProcess;
  const outputs = () => procs.map((p) => `--- ${p.role}\n${p.proc.output().slice(-3000)}`).join('\n');

  beforeAll(async () => {
    ensureBuilt();
    const db = await freshPostgres(process.env.TEST_DATABASE_URL as string);
    dropDb = db.drop;
    // Migrated once here: the five processes then find nothing to apply (each would otherwise race to migrate).
    await runMigrations(db.database);
    smtp = await startSmtpServer();
    prefix = mkdtempSync(path.join(tmpdir(), 'pt-roles-'));
    const listen = await freePort();
    base = `http://127.0.0.1:${listen}`;
    const common = {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      APP_URL: base,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `ptroles${Date.now().toString(36)}:`,
      JWT_SECRET: 'r'.repeat(48),
      SMTP_URL: smtp.url,
      // The web app from every role when it is built (CI builds first); nginx sends / to the tasks role.
      ...(existsSync(WEB_INDEX) ? { WEB_DIST_DIR: path.dirname(WEB_INDEX) } : { SERVE_WEB: 'false' }),
      LOG_LEVEL: 'info',
      TRUST_PROXY: 'loopback',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      MAX_IN_FLIGHT: '0',
      REMINDER_SCAN_INTERVAL_MS: '1000',
      SSE_HEARTBEAT_MS: '5000',
    };
    const ports: Record<string, number> = {};
    for (const role of SPLIT) {
      const port = await freePort();
      ports[role] = port;
      const dataDir = path.join(prefix, `data-${role}`);
      procs.push({
        role,
        port,
        proc: spawnCaptured([path.join(DIST, 'server.js')], {
          ...common,
          ROLES: role,
          PORT: String(port),
          DATA_DIR: dataDir,
        }),
      });
    }
    for (const p of procs) {
      await waitFor(
        async () => {
          if (p.proc.child.exitCode !== null) throw new Error(`ROLES=${p.role} exited:\n${p.proc.output()}`);
          const res = await fetch(`http://127.0.0.1:${p.port}/health/ready`).catch(() => undefined);
          return res?.status === 200;
        },
        `ROLES=${p.role} ready`,
        120_000,
      );
    }
    const conf = path.join(prefix, 'nginx.conf');
    const http = { auth: ports.auth as number, tasks: ports.tasks as number, events: ports.events as number };
    let rendered = renderRolesConf(readFileSync(ROLES_CONF, 'utf8'), { listen, ports: http, prefix });
    // The planted fault this test must catch (run once by hand): SSE sent to the tasks role's upstream.
    if (process.env.ROLES_TEST_PLANT === 'events-to-tasks') {
      rendered = rendered.replace('proxy_pass http://role_events;', 'proxy_pass http://role_tasks;');
    }
    writeFileSync(conf, rendered);
    nginx = spawn('nginx', ['-p', prefix, '-c', conf, '-g', `pid ${path.join(prefix, 'nginx.pid')}; daemon off;`], {
      stdio: 'ignore',
    });
    await waitFor(
      async () => (await fetch(`${base}/health/live`).catch(() => undefined))?.status === 200,
      'nginx',
      20_000,
    );
  }, 240_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    for (const p of procs) {
      p.proc.child.kill('SIGTERM');
    }
    await Promise.all(
      procs.map((p) =>
        Promise.race([p.proc.exited, new Promise((r) => setTimeout(r, 15_000))]).then(() =>
          p.proc.child.kill('SIGKILL'),
        ),
      ),
    );
    await smtp?.close();
    await dropDb?.();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  }, 60_000);

  const call = async (method: string, url: string, body?: unknown, token?: string) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as { data?: Record<string, unknown> }) : {} };
  };

  it('each process serves only its own role: direct requests to another role are 404, ops routes answer everywhere', async () => {
    const direct = async (role: SplitRole, method: string, url: string) =>
      (await fetch(`http://127.0.0.1:${byRole(role).port}${url}`, { method })).status;
    expect(await direct('auth', 'GET', `${API}/tasks`)).toBe(404);
    expect(await direct('tasks', 'POST', `${API}/auth/login`)).toBe(404);
    expect(await direct('events', 'GET', `${API}/tasks`)).toBe(404);
    expect(await direct('tasks', 'GET', `${API}/events`)).toBe(404);
    expect(await direct('worker', 'GET', `${API}/tasks`)).toBe(404);
    expect(await direct('scheduler', 'GET', `${API}/users/me`)).toBe(404);
    expect(await direct('tasks', 'GET', `${API}/tasks`)).toBe(401);
    for (const p of procs) {
      expect(await direct(p.role, 'GET', '/health/ready'), p.role).toBe(200);
      expect(await direct(p.role, 'GET', '/metrics'), p.role).toBe(200);
    }
  });

  it('register, login, tasks, SSE, the worker-sent verification mail and a reminder mail — all through nginx', async () => {
    const email = `roles-${Date.now().toString(36)}@example.test`;
    const t0 = Date.now();
    const reg = await call('POST', `${API}/auth/register`, { name: 'Role Split', email, password: PASSWORD });
    expect(reg.status, outputs()).toBe(201);
    const login = await call('POST', `${API}/auth/login`, { email, password: PASSWORD });
    expect(login.status).toBe(200);
    const token = login.body.data?.accessToken as string;
    const user = login.body.data?.user as { id: string };
    expect(token).toBeTruthy();
    const me = await call('GET', `${API}/users/me`, undefined, token);
    expect(me.status).toBe(200);

    // The SSE stream through nginx (events process) before the write (tasks process).
    const stream = openStream(base, { headers: { authorization: `Bearer ${token}` } } as unknown as TestUser);
    await stream.ready;
    expect(stream.status()).toBe(200);

    // Due in an hour: inside the default 24 h lead time, so the next reminder scan mails it.
    const dueDate = new Date(Date.now() + 3600_000).toISOString();
    const tWrite = Date.now();
    const created = await call('POST', `${API}/tasks`, { title: 'Split roles task', dueDate }, token);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const taskId = created.body.data?.id as string;
    const list = await call('GET', `${API}/tasks`, undefined, token);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain(taskId);

    await waitFor(
      () => stream.events.some((e) => e.event === 'task.created' && (e.data as { id?: string }).id === taskId),
      'task.created on the SSE stream (tasks → Redis → events)',
      20_000,
    );
    const sseMs = Date.now() - tWrite;
    stream.close();

    // The verification mail: queued by the auth process, sent over SMTP by the worker process.
    await waitFor(
      () => smtp.mails.some((m) => m.to.includes(email) && decodeQP(m.raw).includes('/verify-email?token=')),
      'the verification mail (auth → BullMQ → worker → SMTP)',
      30_000,
    );
    const verifyMs = Date.now() - t0;
    // The reminder: the scan job the scheduler registered, run by the worker.
    await waitFor(
      () => smtp.mails.some((m) => m.to.includes(email) && m.subject.includes('Split roles task')),
      'the due-soon reminder mail (scheduler → BullMQ → worker → SMTP)',
      45_000,
    );
    const reminderMs = Date.now() - tWrite;
    expect(byRole('worker').proc.output()).toMatch(/"job":"mail\.send"/);
    expect(byRole('worker').proc.output()).toMatch(/"job":"reminders\.scan"/);
    for (const r of ['auth', 'tasks', 'events', 'scheduler'] as const) {
      expect(byRole(r).proc.output(), r).not.toMatch(/"msg":"job done"/);
    }
    if (existsSync(WEB_INDEX)) {
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
    }
    // nginx sent each request to its role: the access log has them, and every answer above came from the right one.
    const access = readFileSync(path.join(prefix, 'access.log'), 'utf8');
    expect(access).toMatch(/POST \/api\/v1\/auth\/register/);
    expect(access).toMatch(/GET \/api\/v1\/events/);
    console.info(
      `roles split: user ${user.id.slice(0, 8)}; SSE event ${sseMs} ms after the POST was sent; verification mail ${verifyMs} ms after register; reminder mail ${reminderMs} ms after the POST was sent (scan every 1 s)`,
    );
  });
});
