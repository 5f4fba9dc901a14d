/**
 * Starts the built server for the browser tests: builds first when the build is missing or older than the
 * sources, picks a free port, uses a throwaway DATA_DIR and raised rate limits, waits for readiness, and stops
 * the server afterwards.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    dataDir: string;
    /** An administrator account (made with the cli's make-admin before the server the tests use started). */
    admin: { email: string; password: string };
  }
}

const root = path.resolve(import.meta.dirname, '..');
const serverJs = path.join(root, 'apps/api/dist/server.js');
const webIndex = path.join(root, 'apps/web/dist/index.html');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(p)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    max = Math.max(max, newestMtime(path.join(p, entry)));
  }
  return max;
}

function buildIfNeeded() {
  const sources = Math.max(
    newestMtime(path.join(root, 'apps/web/src')),
    newestMtime(path.join(root, 'apps/web/index.html')),
    newestMtime(path.join(root, 'apps/api/src')),
    newestMtime(path.join(root, 'packages/shared/src')),
  );
  const built = Math.min(newestMtime(serverJs), newestMtime(webIndex));
  if (built > 0 && built >= sources && process.env.E2E_REBUILD !== '1') return;
  console.log('e2e: building the app (npm run build)…');
  // Vitest sets NODE_ENV=test; the build must be a production one (React's production bundle).
  const r = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error('npm run build failed');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not become ready');
}

async function createAdmin(baseURL: string, admin: { email: string; password: string }) {
  const res = await fetch(`${baseURL}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'E2E Admin', ...admin }),
  });
  if (res.status !== 201) throw new Error(`register the e2e admin: ${res.status} ${await res.text()}`);
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export default async function setup(project: TestProject) {
  buildIfNeeded();
  const port = await freePort();
  const baseURL = `http://localhost:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pt-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: baseURL,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_AUTH_IP_MAX: '10000',
    RATE_LIMIT_LOGIN_FAILURES_MAX: '1000',
    RATE_LIMIT_TASK_CREATE_MAX: '100000',
    RATE_LIMIT_API_MAX: '100000',
    // The browser tests share two cores with Chromium: load shedding would turn scheduling delays into 503s in
    // the middle of a flow (its own tests are in npm test and the fault suite).
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_IN_FLIGHT: '0',
  };
  for (const k of ['DATABASE_URL', 'DATABASE_REPLICA_URL', 'REDIS_URL', 'JWT_SECRET']) delete env[k];
  const start = () => spawn(process.execPath, [serverJs], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  let child = start();
  const admin = { email: 'e2e-admin@example.com', password: 'a perfectly fine admin passphrase' };
  try {
    await waitReady(baseURL, child);
    // The first admin is made as the README says (sign up, then `cli make-admin`). The cli opens the PGlite
    // DATA_DIR itself, which a second process cannot do while the server holds it: stop, promote, start again.
    await createAdmin(baseURL, admin);
    await stop(child);
    const r = spawnSync(process.execPath, [path.join(root, 'apps/api/dist/cli.js'), 'make-admin', admin.email], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error(`cli make-admin exited with ${r.status}`);
    child = start();
    await waitReady(baseURL, child);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  project.provide('baseURL', baseURL);
  project.provide('dataDir', dataDir);
  project.provide('admin', admin);

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
}
