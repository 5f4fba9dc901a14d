/**
 * `npm run start:cluster`: one API process per core (node:cluster) sharing the port. Workers are stateless —
 * shared state lives in PostgreSQL and Redis — so this needs DATABASE_URL (PGlite is single-process).
 * The primary restarts a worker that dies and, on SIGTERM/SIGINT, passes the signal on and waits for them.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from './config';

if (cluster.isPrimary) {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
  if (!config.databaseUrl) {
    process.stderr.write('start:cluster needs DATABASE_URL (the embedded database is single-process); use npm start\n');
    process.exit(1);
  }
  const n = config.clusterWorkers || availableParallelism();
  let stopping = false;
  for (let i = 0; i < n; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    setTimeout(() => cluster.fork(), 500);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 1000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} else {
  await import('./server');
}
