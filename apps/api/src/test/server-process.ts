/**
 * The real server process, for the tests that need one (tracing, graceful shutdown): run from source in ONE process
 * (the tsx CLI would fork a child a SIGKILL does not reach), on a free loopback port with a fresh DATA_DIR.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const TSX_SERVER = ['--import', 'tsx', 'apps/api/src/server.ts'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port nobody listens on right now (the kernel's pick, released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A child process whose stdout and stderr are collected from the start. */
export interface CapturedProcess {
  child: ChildProcess;
  /** What the process has written to stdout and stderr so far. */
  output(): string;
  /** Settles when the process exits (watched from the start). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * `node <args>` from the repository root with only PATH and HOME from this environment, plus `env`; its output
 * collected. The one way the process tests start a server, a worker or the cluster primary.
 */
export function spawnCaptured(args: string[], env: Record<string, string | undefined>): CapturedProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return { child, output: () => output, exited };
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** What the process has written to stdout and stderr so far. */
  output(): string;
  /** Settles when the process exits (watched from the start). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** SIGKILL it if it still runs, and remove its DATA_DIR. */
  stop(): void;
}

/**
 * Start the server with a development environment (HOST, PORT, DATA_DIR, no web, LOG_LEVEL=info) plus `env`, and
 * wait up to 120 s (CI machines are shared) until `isUp(port)` says it serves.
 */
export async function startServerProcess(options: {
  env: Record<string, string | undefined>;
  isUp: (port: number) => Promise<boolean>;
  /** The DATA_DIR's name prefix in the temporary directory. */
  tmpPrefix: string;
}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), options.tmpPrefix));
  const port = await freePort();
  const { child, output, exited } = spawnCaptured(TSX_SERVER, {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    SERVE_WEB: 'false',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const server: ServerProcess = {
    child,
    port,
    output,
    exited,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (await options.isUp(port)) return server;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${output()}`);
      await sleep(200);
    }
  } catch (err) {
    server.stop();
    throw err;
  }
}
