/**
 * Prometheus metrics. One Registry per platform (never prom-client's global default registry): tests build
 * many apps in one process, and each must count only its own traffic.
 *
 * The handles below are what other modules use (tasks, cache, queue, SSE); plugins/metrics.ts feeds the HTTP ones
 * and serves GET /metrics.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { timedCheck } from '../lib/timed-check';
import type { PoolStats } from './db/client';
import { safeEqual } from './tokens';

/** Seconds; tuned for an API whose p99 target is tens of milliseconds. */
const HTTP_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds from a task's creation to its completion: a minute … a quarter. */
const TIME_TO_COMPLETE_BUCKETS = [60, 600, 3600, 4 * 3600, 86400, 3 * 86400, 7 * 86400, 30 * 86400, 90 * 86400];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300];

export interface MetricsOptions {
  /** Database pool statistics, read at scrape time. */
  poolStats?: () => PoolStats;
  /** The pool's configured maximum (PGlite: 1). */
  poolMax?: number;
  /** Process, GC, heap and event-loop-lag metrics from prom-client (default on). */
  defaultMetrics?: boolean;
  /** Constant labels on every series (e.g. { service: 'api' }). */
  defaultLabels?: Record<string, string>;
}

export type ScrapeCollector = () => void | Promise<void>;

export interface Metrics {
  registry: Registry;
  /** http_request_duration_seconds{method,route,status}: route is the pattern, never the raw URL. */
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Requests being handled right now (a plain counter read at scrape time: no per-request metric cost). */
  inFlight: { value: number };
  tasksCreatedTotal: Counter<string>;
  tasksCompletedTotal: Counter<string>;
  taskTimeToCompleteSeconds: Histogram<string>;
  cacheHitsTotal: Counter<'cache'>;
  cacheMissesTotal: Counter<'cache'>;
  /** Jobs waiting (or delayed) per queue; the queue module sets it, or registers a scrape collector that does. */
  queueDepth: Gauge<'queue'>;
  jobDuration: Histogram<'queue' | 'outcome'>;
  sseConnections: Gauge<string>;
  /** Requests refused with 503 by load shedding, by the pressure that triggered it. */
  loadShed: Counter<'reason'>;
  /** 1 when a dependency (database, redis, …) answered its probe at the last scrape, else 0. */
  dependencyUp: Gauge<'dependency'>;
  /** Run before each scrape (refresh gauges that are cheaper to read than to keep current). */
  addCollector(fn: ScrapeCollector): void;
  /** Runs the collectors, then renders the Prometheus text format. */
  render(): Promise<string>;
  contentType: string;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const inFlight = { value: 0 };
  new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests being handled',
    registers,
    collect() {
      this.set(inFlight.value);
    },
  });

  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });

  const poolStats = options.poolStats;
  if (poolStats) {
    const poolMax = options.poolMax ?? 1;
    new Gauge({
      name: 'db_pool_connections_in_use',
      help: 'Database connections checked out of the pool',
      registers,
      collect() {
        const s = poolStats();
        this.set(Math.max(0, s.total - s.idle));
      },
    });
    new Gauge({
      name: 'db_pool_connections_idle',
      help: 'Idle database connections in the pool',
      registers,
      collect() {
        this.set(poolStats().idle);
      },
    });
    new Gauge({
      name: 'db_pool_requests_waiting',
      help: 'Queries waiting for a pool connection',
      registers,
      collect() {
        this.set(poolStats().waiting);
      },
    });
    new Gauge({
      name: 'db_pool_connections_max',
      help: 'Configured maximum of the database pool',
      registers,
      collect() {
        this.set(poolMax);
      },
    });
  }

  const collectors: ScrapeCollector[] = [];

  return {
    registry,
    httpRequestDuration,
    inFlight,
    tasksCreatedTotal: new Counter({ name: 'tasks_created_total', help: 'Tasks created', registers }),
    tasksCompletedTotal: new Counter({ name: 'tasks_completed_total', help: 'Tasks marked completed', registers }),
    taskTimeToCompleteSeconds: new Histogram({
      name: 'task_time_to_complete_seconds',
      help: 'Time from a task’s creation to its completion',
      buckets: TIME_TO_COMPLETE_BUCKETS,
      registers,
    }),
    cacheHitsTotal: new Counter({
      name: 'cache_hits_total',
      help: 'Cache hits by cache',
      labelNames: ['cache'] as const,
      registers,
    }),
    cacheMissesTotal: new Counter({
      name: 'cache_misses_total',
      help: 'Cache misses by cache',
      labelNames: ['cache'] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: 'queue_depth',
      help: 'Jobs waiting to run, by queue',
      labelNames: ['queue'] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'job_duration_seconds',
      help: 'Job run time by queue and outcome (completed, failed)',
      labelNames: ['queue', 'outcome'] as const,
      buckets: JOB_BUCKETS,
      registers,
    }),
    sseConnections: new Gauge({ name: 'sse_connections', help: 'Open server-sent-event streams', registers }),
    loadShed: new Counter({
      name: 'http_requests_shed_total',
      help: 'Requests refused with 503 because the process was overloaded (load shedding)',
      labelNames: ['reason'] as const,
      registers,
    }),
    dependencyUp: new Gauge({
      name: 'dependency_up',
      help: 'Whether a dependency answered its probe at the last scrape (1) or not (0)',
      labelNames: ['dependency'] as const,
      registers,
    }),
    addCollector(fn) {
      collectors.push(fn);
    },
    async render() {
      await Promise.all(collectors.map(async (fn) => fn()));
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}

/** Does an Authorization header carry `Bearer <token>`? (Constant-time for tokens of the right length.) */
export function bearerMatches(header: string | undefined, token: string): boolean {
  return header?.startsWith('Bearer ') === true && safeEqual(header.slice(7).trim(), token);
}

/** 1 when `fn` resolves within a second, 0 when it fails or hangs: a dependency_up value. */
async function probe(fn: () => Promise<unknown>): Promise<0 | 1> {
  return (await timedCheck(fn, 1000)).status === 'ok' ? 1 : 0;
}

type DependencyCheck = readonly [name: string, check: () => Promise<unknown>];

/** At every scrape, probe each dependency into dependency_up (`checks` is read at scrape time). */
export function collectDependencyUp(metrics: Metrics, checks: () => Iterable<DependencyCheck>): void {
  metrics.addCollector(async () => {
    await Promise.all(
      [...checks()].map(async ([name, fn]) => metrics.dependencyUp.set({ dependency: name }, await probe(fn))),
    );
  });
}

/** At every scrape, the queue's waiting and delayed jobs into queue_depth. */
export function collectQueueDepth(
  metrics: Metrics,
  queue: { kind: string; counts(): Promise<{ waiting: number; delayed: number }> },
): void {
  metrics.addCollector(async () => {
    try {
      const c = await queue.counts();
      metrics.queueDepth.set({ queue: queue.kind }, c.waiting + c.delayed);
    } catch {
      /* queue unreachable: leave the last value; dependency_up says why */
    }
  });
}
