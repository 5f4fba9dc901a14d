/**
 * Static checks of deploy/ (no container engine here): the compose file, the Kubernetes base, the nginx config,
 * the Dockerfile, the Prometheus rules and the Grafana dashboard are parsed and cross-checked against the code:
 * env var names exist in config.ts, probe paths answer, ports agree, selectors match, referenced keys exist, and
 * every metric an alert or a panel uses is exported by a real app's /metrics. nginx -t and promtool run when the
 * binaries are installed (.ci/run installs nginx).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { createTestContext, type TestContext } from '../apps/api/src/test/context';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const read = (p: string) => readFileSync(path.join(here, p), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is checked field by field below
type Any = any;

/** The env var names apps/api/src/config.ts validates (the keys of its envSchema). */
function configEnvNames(): Set<string> {
  const src = readFileSync(path.join(root, 'apps/api/src/config.ts'), 'utf8');
  const start = src.indexOf('const envSchema = z.object({');
  const end = src.indexOf('\n});', start);
  expect(start).toBeGreaterThan(-1);
  const body = src.slice(start, end);
  return new Set([...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] as string));
}

function which(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'rate',
  'irate',
  'increase',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'histogram_quantile',
  'clamp_min',
  'clamp_max',
  'label_values',
  'le',
  'bool',
  'offset',
  'e',
]);

/** Metric names used by a PromQL expression (label matchers, strings, grouping clauses and functions removed). */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]);
  return names.filter((n) => !PROMQL_WORDS.has(n) && !/^\d/.test(n));
}

let ctx: TestContext;
let exported: Set<string>;

beforeAll(async () => {
  ctx = await createTestContext('pglite');
  // Touch a few routes so that the histogram has series, then scrape.
  await ctx.app.inject({ method: 'GET', url: '/health/live' });
  const res = await ctx.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  exported = new Set();
  for (const line of res.body.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)$/.exec(line);
    if (type) {
      exported.add(type[1] as string);
      // A histogram's series exist (as _bucket/_count/_sum) even before its first observation.
      if (type[2] === 'histogram') for (const s of ['_bucket', '_count', '_sum']) exported.add(`${type[1]}${s}`);
    } else if (line && !line.startsWith('#')) {
      exported.add(/^[^{\s]+/.exec(line)?.[0] as string);
    }
  }
  // `up` is Prometheus' own series for every target.
  exported.add('up');
}, 120_000);

afterAll(async () => ctx?.close());

describe('Prometheus rules and config', () => {
  const alerts = parse(read('prometheus/alerts.yml')) as Any;
  const rules: Array<{ alert: string; expr: string }> = alerts.groups.flatMap((g: Any) => g.rules);

  it('has the alerts operations needs', () => {
    const text = rules.map((r) => `${r.alert} ${r.expr}`).join('\n');
    expect(text).toMatch(/status=~"5\.\."/); // 5xx rate
    expect(text).toMatch(/histogram_quantile\(0\.99/); // p99 latency
    expect(text).toMatch(/db_pool_connections_in_use/); // pool saturation
    expect(text).toMatch(/dependency_up\{dependency="redis"\}/); // Redis down
    expect(text).toMatch(/queue_depth/); // queue backlog
    expect(text).toMatch(/\bup\{job="api"\} == 0/); // instance down
    for (const r of rules) {
      expect(r.alert).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect((r as Any).labels?.severity).toMatch(/^(critical|warning)$/);
      expect((r as Any).annotations?.summary).toBeTruthy();
    }
  });

  it('uses only metrics the app exports', () => {
    for (const r of rules) {
      const names = metricNames(r.expr);
      expect(names.length, r.alert).toBeGreaterThan(0);
      for (const n of names) expect(exported.has(n), `${r.alert} uses ${n}, which /metrics does not export`).toBe(true);
    }
  });

  it('scrapes the API instances that compose defines, on the API port, and loads the rules file', () => {
    const prom = parse(read('prometheus/prometheus.yml')) as Any;
    const compose = parse(read('compose.yaml'), { merge: true }) as Any;
    expect(prom.rule_files).toContain('alerts.yml');
    const api = prom.scrape_configs.find((s: Any) => s.job_name === 'api');
    expect(api.metrics_path).toBe('/metrics');
    for (const target of api.static_configs[0].targets as string[]) {
      const [host, port] = target.split(':');
      expect(compose.services[host as string], target).toBeDefined();
      expect(compose.services[host as string].environment.PORT).toBe(port);
    }
  });

  it('passes promtool when it is installed', (t) => {
    if (!which('promtool')) {
      t.skip();
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'pt-prom-'));
    try {
      cpSync(path.join(here, 'prometheus'), dir, { recursive: true });
      writeFileSync(path.join(dir, 'metrics-token'), 'x'.repeat(32));
      execFileSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { stdio: 'pipe' });
      execFileSync('promtool', ['check', 'rules', path.join(dir, 'alerts.yml')], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Grafana dashboard', () => {
  const dash = JSON.parse(read('grafana/dashboard.json')) as Any;

  it('has the request, error, duration, cache, queue and pool panels', () => {
    const titles = (dash.panels as Any[]).map((p) => String(p.title).toLowerCase()).join('\n');
    for (const word of ['request rate', 'errors', 'duration', 'cache', 'queue', 'pool']) expect(titles).toContain(word);
    const ids = (dash.panels as Any[]).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('queries only metrics the app exports', () => {
    for (const panel of dash.panels as Any[]) {
      for (const target of panel.targets as Any[]) {
        for (const n of metricNames(target.expr)) {
          expect(exported.has(n), `panel "${panel.title}" uses ${n}, which /metrics does not export`).toBe(true);
        }
      }
    }
  });
});

describe('compose', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as Any;
  const services = compose.services as Record<string, Any>;
  const names = configEnvNames();
  const appServices = Object.entries(services).filter(([, s]) => String(s.image).startsWith('primetrade-tasks'));

  it('runs three API instances, a worker, migrations once, PostgreSQL primary and replica, Redis, nginx, Prometheus and Grafana', () => {
    for (const s of [
      'api-1',
      'api-2',
      'api-3',
      'worker',
      'migrate',
      'postgres',
      'postgres-replica',
      'redis',
      'nginx',
      'prometheus',
      'grafana',
    ]) {
      expect(services[s], s).toBeDefined();
    }
    expect(services.migrate.restart).toBe('no');
    expect(services.migrate.command.join(' ')).toBe('node apps/api/dist/cli.js migrate');
    for (const api of ['api-1', 'api-2', 'api-3', 'worker']) {
      expect(services[api].depends_on.migrate.condition).toBe('service_completed_successfully');
    }
    const redisCmd = services.redis.command.join(' ');
    expect(redisCmd).toContain('--appendonly yes');
    expect(redisCmd).toContain('--maxmemory-policy noeviction');
    expect(services['postgres-replica'].entrypoint.join(' ')).toContain('replica-entrypoint.sh');
    expect(services.postgres.command.join(' ')).toContain('wal_level=replica');
  });

  it('gives the app only env vars that config.ts knows, and the ones production requires', () => {
    expect(appServices.length).toBeGreaterThanOrEqual(5);
    for (const [name, s] of appServices) {
      const env = s.environment as Record<string, string>;
      for (const key of Object.keys(env)) expect(names.has(key), `${name}: ${key} is not in config.ts`).toBe(true);
      for (const key of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'HOST', 'NODE_ENV']) {
        expect(env[key], `${name}: ${key}`).toBeTruthy();
      }
      expect(env.HOST).toBe('0.0.0.0');
    }
  });

  it('references only defined services, volumes, configs and files that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(services[d], `${name} depends on ${d}`).toBeDefined();
      for (const v of (s.volumes ?? []) as string[]) {
        const [src] = v.split(':');
        if (src?.startsWith('.')) expect(existsSync(path.join(here, src)), `${name}: ${src}`).toBe(true);
        else expect(compose.volumes, `${name}: volume ${src}`).toHaveProperty(src as string);
      }
      for (const c of (s.configs ?? []) as Any[]) expect(compose.configs).toHaveProperty(c.source);
      if (s.build) {
        expect(existsSync(path.join(here, s.build.context, s.build.dockerfile))).toBe(true);
      }
    }
  });

  it('passes `docker compose config` when a compose CLI is available', (t) => {
    const probe = spawnSync('docker', ['compose', 'version'], { stdio: 'pipe' });
    if (probe.status !== 0) {
      t.skip();
      return;
    }
    const out = spawnSync('docker', ['compose', '-f', path.join(here, 'compose.yaml'), 'config', '-q'], {
      env: {
        ...process.env,
        POSTGRES_PASSWORD: 'p',
        REPLICATION_PASSWORD: 'r',
        JWT_SECRET: 'x'.repeat(32),
        METRICS_TOKEN: 'y'.repeat(16),
      },
      stdio: 'pipe',
    });
    expect(out.status, String(out.stderr)).toBe(0);
  });
});

describe('nginx', () => {
  const conf = read('nginx/nginx.conf');
  const compose = parse(read('compose.yaml'), { merge: true }) as Any;

  it('balances least_conn over the compose API instances with keepalive', () => {
    const upstream = /upstream api \{([\s\S]*?)\n {2}\}/.exec(conf)?.[1] ?? '';
    expect(upstream).toMatch(/least_conn;/);
    expect(upstream).toMatch(/keepalive \d+;/);
    const servers = [...upstream.matchAll(/server ([\w-]+):(\d+)/g)];
    expect(servers.length).toBe(3);
    for (const [, host, port] of servers) {
      expect(compose.services[host as string], host).toBeDefined();
      expect(compose.services[host as string].environment.PORT).toBe(port);
    }
  });

  it('streams SSE unbuffered with long timeouts, owns X-Forwarded-*, retries idempotent requests, sets headers', () => {
    const events = /location \/api\/v1\/events \{([\s\S]*?)\n {4}\}/.exec(conf)?.[1] ?? '';
    expect(events).toMatch(/proxy_buffering off;/);
    expect(events).toMatch(/proxy_read_timeout 1h;/);
    expect(conf).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    expect(conf).not.toMatch(/\$proxy_add_x_forwarded_for/);
    expect(conf).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
    expect(conf).toMatch(/proxy_next_upstream error timeout http_502 http_503 http_504;/);
    expect(conf).not.toMatch(/proxy_next_upstream [^;]*non_idempotent/);
    expect(conf).toMatch(/Strict-Transport-Security "max-age=31536000/);
    expect(conf).toMatch(/X-Content-Type-Options "nosniff"/);
    expect(conf).toMatch(/gzip on;/);
    expect(conf).toMatch(/server_tokens off;/);
  });

  it('passes nginx -t when nginx is installed', (t) => {
    if (!which('nginx')) {
      t.skip();
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'pt-nginx-'));
    try {
      // The compose hostnames do not resolve here: point the upstream at loopback for the syntax check.
      // Log paths go to files: /dev/stderr cannot be opened when the test runner's stdio is a socket.
      const local = conf
        .replace(/server api-(\d):3000/g, 'server 127.0.0.1:300$1')
        .replace(/\/dev\/std(err|out)/g, (_m, s) => path.join(dir, `${s}.log`));
      writeFileSync(path.join(dir, 'nginx.conf'), local);
      const out = spawnSync(
        'nginx',
        ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', `pid ${path.join(dir, 'nginx.pid')};`],
        { stdio: 'pipe' },
      );
      expect(out.status, String(out.stderr)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Dockerfile', () => {
  const df = read('docker/Dockerfile');

  it('is multi-stage on Node 24, builds with npm ci, ships production dependencies, runs as non-root', () => {
    expect(df).toMatch(/ARG NODE_IMAGE=node:24-/);
    expect((df.match(/^FROM /gm) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(df).toMatch(/npm ci --no-audit/);
    expect(df).toMatch(/npm ci --omit=dev/);
    expect(df).toMatch(/^USER node$/m);
    expect(df).toMatch(/HOST=0\.0\.0\.0/);
    expect(df).toMatch(/HEALTHCHECK[\s\S]*\/health\/live/);
    expect(df).toMatch(/CMD \["node", "apps\/api\/dist\/server\.js"\]/);
  });

  it('copies paths that exist and that the build produces', () => {
    const build = readFileSync(path.join(root, 'apps/api/build.mjs'), 'utf8');
    expect(build).toContain("outdir: 'dist'");
    expect(build).toContain('src/server.ts');
    for (const m of df.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
      for (const src of (m[1] as string).split(' ')) {
        if (src === '.') continue;
        expect(existsSync(path.join(root, src)), src).toBe(true);
      }
    }
    expect(existsSync(path.join(root, 'apps/api/drizzle/meta/_journal.json'))).toBe(true);
    const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8');
    for (const p of ['**/node_modules', '.git', '.env', '.data']) expect(ignore).toContain(p);
  });
});

describe('Kubernetes base', () => {
  const kustomization = parse(read('k8s/base/kustomization.yaml')) as Any;
  const docs: Any[] = (kustomization.resources as string[]).flatMap((f) => {
    const file = path.join(here, 'k8s/base', f);
    expect(existsSync(file), f).toBe(true);
    return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
      expect(d.errors, f).toEqual([]);
      return d.toJS();
    });
  });
  const byKind = (kind: string) => docs.filter((d) => d?.kind === kind);
  const find = (kind: string, name: string) => byKind(kind).find((d) => d.metadata.name === name);
  const deployments = byKind('Deployment');
  const podSpecs = [
    ...deployments.map((d) => ({
      name: d.metadata.name,
      spec: d.spec.template.spec,
      labels: d.spec.template.metadata.labels,
    })),
    ...byKind('Job').map((j) => ({
      name: j.metadata.name,
      spec: j.spec.template.spec,
      labels: j.spec.template.metadata.labels,
    })),
  ];
  const names = configEnvNames();

  it('has api and worker Deployments, a migration Job, Service, Ingress, HPA, PDB, NetworkPolicy, ConfigMap, Secret', () => {
    for (const kind of [
      'ConfigMap',
      'Secret',
      'Job',
      'Service',
      'Ingress',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'NetworkPolicy',
    ]) {
      expect(byKind(kind).length, kind).toBeGreaterThan(0);
    }
    expect(find('Deployment', 'primetrade-api')).toBeDefined();
    expect(find('Deployment', 'primetrade-worker')).toBeDefined();
    expect(find('Job', 'primetrade-migrate').spec.template.spec.containers[0].command.join(' ')).toBe(
      'node apps/api/dist/cli.js migrate',
    );
  });

  it('matches each Deployment selector to its pod labels', () => {
    for (const d of deployments)
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
  });

  it('probes the worker on its ops port, where it serves /metrics, and lets Prometheus reach it', () => {
    const worker = find('Deployment', 'primetrade-worker');
    const c = worker.spec.template.spec.containers[0];
    const ops = (c.ports as Any[]).find((p) => p.name === 'ops');
    expect(ops?.containerPort).toBe(Number((c.env as Any[]).find((e) => e.name === 'WORKER_METRICS_PORT')?.value));
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/health/live', port: 'ops' });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/health/ready', port: 'ops' });
    expect(worker.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(ops.containerPort));
    const policy = find('NetworkPolicy', 'primetrade-worker');
    expect(policy.spec.ingress[0].ports[0].port).toBe(ops.containerPort);
  });

  it('probes real routes on the container port, stops gracefully, sets resources and runs as non-root', async () => {
    const api = find('Deployment', 'primetrade-api');
    const pod = api.spec.template.spec;
    const c = pod.containers[0];
    expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(c.livenessProbe.httpGet.path).toBe('/health/live');
    const portNames = new Set((c.ports as Any[]).flatMap((p) => [p.name, p.containerPort]));
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
      expect(portNames.has(probe.httpGet.port)).toBe(true);
      const res = await ctx.app.inject({ method: 'GET', url: probe.httpGet.path });
      expect(res.statusCode, probe.httpGet.path).toBe(200);
    }
    const cm = find('ConfigMap', 'primetrade-config');
    expect(c.ports[0].containerPort).toBe(Number(cm.data.PORT));
    const preStop = Number(c.lifecycle.preStop.exec.command[1]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + Number(cm.data.SHUTDOWN_TIMEOUT_MS) / 1000);
    for (const { name, spec } of podSpecs) {
      expect(spec.securityContext.runAsNonRoot, name).toBe(true);
      for (const container of spec.containers) {
        expect(container.resources.requests.cpu, name).toBeTruthy();
        expect(container.resources.limits.memory, name).toBeTruthy();
      }
    }
  });

  it('references only ConfigMap/Secret keys that exist, all of them env vars config.ts knows', () => {
    for (const cm of [...byKind('ConfigMap'), ...byKind('Secret')]) {
      for (const key of Object.keys(cm.data ?? cm.stringData ?? {})) {
        expect(names.has(key), `${cm.metadata.name}: ${key} is not in config.ts`).toBe(true);
      }
    }
    for (const { name, spec } of podSpecs) {
      for (const c of spec.containers) {
        for (const from of (c.envFrom ?? []) as Any[]) {
          if (from.configMapRef) expect(find('ConfigMap', from.configMapRef.name), name).toBeDefined();
          if (from.secretRef) expect(find('Secret', from.secretRef.name), name).toBeDefined();
        }
        for (const e of (c.env ?? []) as Any[]) {
          expect(names.has(e.name), `${name}: ${e.name}`).toBe(true);
          const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
          if (!ref) continue;
          const src = find(e.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap', ref.name);
          expect(src, `${name}: ${ref.name}`).toBeDefined();
          expect(Object.keys(src.data ?? src.stringData), `${name}: ${ref.name}.${ref.key}`).toContain(ref.key);
        }
      }
    }
  });

  it('wires Service, Ingress, HPA, PDB and NetworkPolicy to what exists', () => {
    const apiPods = find('Deployment', 'primetrade-api').spec.template;
    const svc = find('Service', 'primetrade-api');
    expect(matches(svc.spec.selector, apiPods.metadata.labels)).toBe(true);
    const containerPorts = new Set(
      (apiPods.spec.containers[0].ports as Any[]).flatMap((p) => [p.name, p.containerPort]),
    );
    for (const p of svc.spec.ports) expect(containerPorts.has(p.targetPort)).toBe(true);

    for (const ing of byKind('Ingress')) {
      for (const rule of ing.spec.rules) {
        for (const p of rule.http.paths) {
          const target = find('Service', p.backend.service.name);
          expect(target, p.backend.service.name).toBeDefined();
          const portNames = (target.spec.ports as Any[]).flatMap((sp) => [sp.name, sp.port]);
          expect(portNames).toContain(p.backend.service.port.name ?? p.backend.service.port.number);
        }
      }
    }

    for (const hpa of byKind('HorizontalPodAutoscaler')) {
      const ref = hpa.spec.scaleTargetRef;
      expect(find(ref.kind, ref.name), ref.name).toBeDefined();
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    }
    for (const pdb of byKind('PodDisruptionBudget')) {
      expect(matches(pdb.spec.selector.matchLabels, apiPods.metadata.labels)).toBe(true);
    }
    for (const np of byKind('NetworkPolicy')) {
      const selected = podSpecs.filter((p) => matches(np.spec.podSelector.matchLabels, p.labels));
      expect(selected.length, np.metadata.name).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The role split (issue 19 item 4): deploy/nginx/roles.conf, compose's `roles` profile and deploy/k8s/roles route
// every API path to the role that serves it (each role's paths read from a ROLES=<role> app's OpenAPI document).
// ---------------------------------------------------------------------------------------------------------------

const HTTP_ROLES = ['auth', 'tasks', 'events'] as const;
const SPLIT_ROLES = ['auth', 'tasks', 'events', 'worker', 'scheduler'] as const;

/** A concrete URL for an OpenAPI path ({id} → a sample segment). */
const sampleUrl = (p: string) => p.replace(/\{[^}]+\}/g, '0b7a1c7e-0000-4000-8000-000000000000');

/** nginx's choice of location for a URL (exact `=` first, else the longest prefix; roles.conf has no regex ones). */
function nginxUpstream(conf: string, url: string): string | undefined {
  const locations = [...conf.matchAll(/location (=\s+)?(\S+) \{([\s\S]*?)\n {4}\}/g)].map((m) => ({
    exact: Boolean(m[1]),
    path: m[2] as string,
    upstream: /proxy_pass http:\/\/(\w+);/.exec(m[3] as string)?.[1],
  }));
  const exact = locations.find((l) => l.exact && l.path === url);
  if (exact) return exact.upstream;
  return locations.filter((l) => !l.exact && url.startsWith(l.path)).sort((a, b) => b.path.length - a.path.length)[0]
    ?.upstream;
}

/** The Ingress's choice for a URL (pathType Prefix matches whole path elements; the longest wins). */
function ingressService(paths: Array<{ path: string; backend: Any }>, url: string): string | undefined {
  const elems = (p: string) => p.split('/').filter(Boolean);
  const u = elems(url);
  return paths
    .filter((p) => elems(p.path).every((e, i) => u[i] === e))
    .sort((a, b) => elems(b.path).length - elems(a.path).length)[0]?.backend.service.name;
}

/** Every API path of each role that `route` sends elsewhere (empty = the routing is right). */
function misrouted(
  pathsByRole: Record<string, string[]>,
  route: (url: string) => string | undefined,
  target: (role: string) => string,
): string[] {
  const wrong: string[] = [];
  for (const [role, paths] of Object.entries(pathsByRole)) {
    for (const p of paths) {
      const got = route(sampleUrl(p));
      if (got !== target(role)) wrong.push(`${p} (${role}) → ${got}`);
    }
  }
  return wrong;
}

describe('process roles: nginx roles.conf, compose profile and Kubernetes overlay', () => {
  const conf = read('nginx/roles.conf');
  const compose = parse(read('compose.yaml'), { merge: true }) as Any;
  const kustomization = parse(read('k8s/roles/kustomization.yaml')) as Any;
  const docs: Any[] = (kustomization.resources as string[])
    .filter((f) => !f.startsWith('..'))
    .flatMap((f) => parseAllDocuments(read(`k8s/roles/${f}`)).map((d) => d.toJS()));
  const find = (kind: string, name: string) => docs.find((d) => d?.kind === kind && d.metadata.name === name);
  const pathsByRole: Record<string, string[]> = {};

  beforeAll(async () => {
    for (const role of HTTP_ROLES) {
      const c = await createTestContext('pglite', { config: { roles: [role] } });
      try {
        const doc = (await c.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as Any;
        pathsByRole[role] = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/'));
      } finally {
        await c.close();
      }
    }
    expect(Object.values(pathsByRole).every((p) => p.length > 0)).toBe(true);
  }, 120_000);

  it('roles.conf sends every API path to the upstream of its role, and the rest to a role that serves the web app', () => {
    expect(
      misrouted(
        pathsByRole,
        (u) => nginxUpstream(conf, u),
        (r) => `role_${r}`,
      ),
    ).toEqual([]);
    expect(nginxUpstream(conf, '/')).toBe('role_tasks');
    expect(nginxUpstream(conf, '/health/ready')).toBe('role_tasks');
    expect(nginxUpstream(conf, '/metrics')).toBeUndefined(); // `return 404`
    const events = /location \/api\/v1\/events \{([\s\S]*?)\n {4}\}/.exec(conf)?.[1] ?? '';
    expect(events).toMatch(/proxy_buffering off;/);
    expect(events).toMatch(/proxy_read_timeout 1h;/);
    expect(conf).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
  });

  it('planted fault: a roles.conf without the /users location is caught (users paths reach tasks)', () => {
    const faulty = conf.replace(/ {4}location \/api\/v1\/users\/ \{[\s\S]*?\n {4}\}\n/, '');
    expect(faulty).not.toBe(conf);
    const wrong = misrouted(
      pathsByRole,
      (u) => nginxUpstream(faulty, u),
      (r) => `role_${r}`,
    );
    expect(wrong.some((w) => w.startsWith('/api/v1/users/'))).toBe(true);
  });

  it('compose: one service per role on the image with ROLES set, nginx-roles on roles.conf with their hosts', () => {
    for (const role of SPLIT_ROLES) {
      const s = compose.services[`api-${role}`];
      expect(s, role).toBeDefined();
      expect(s.profiles).toEqual(['roles']);
      expect(s.environment.ROLES).toBe(role);
      expect(s.environment.REDIS_URL).toBeTruthy();
    }
    const ngx = compose.services['nginx-roles'];
    expect(ngx.volumes).toContain('./nginx/roles.conf:/etc/nginx/nginx.conf:ro');
    for (const [, host, port] of conf.matchAll(/server ([\w-]+):(\d+)/g)) {
      expect(compose.services[host as string], host).toBeDefined();
      expect(compose.services[host as string].environment.PORT).toBe(port);
    }
  });

  it('roles.conf passes nginx -t when nginx is installed', (t) => {
    if (!which('nginx')) {
      t.skip();
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'pt-nginx-roles-'));
    try {
      const local = conf
        .replace(
          /server api-(\w+):3000/g,
          (_m, r: string) => `server 127.0.0.1:${3001 + HTTP_ROLES.indexOf(r as 'auth')}`,
        )
        .replace(/\/dev\/std(err|out)/g, (_m, s) => path.join(dir, `${s}.log`));
      writeFileSync(path.join(dir, 'nginx.conf'), local);
      const out = spawnSync(
        'nginx',
        ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', `pid ${path.join(dir, 'nginx.pid')};`],
        { stdio: 'pipe' },
      );
      expect(out.status, String(out.stderr)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('k8s: one Deployment per role running server.js with its ROLES, probes on the API port, non-root', () => {
    const names = configEnvNames();
    for (const role of SPLIT_ROLES) {
      const d = find('Deployment', `primetrade-role-${role}`);
      expect(d, role).toBeDefined();
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      expect(c.command.join(' ')).toBe('node apps/api/dist/server.js');
      const env = c.env as Any[];
      expect(env.find((e) => e.name === 'ROLES')?.value).toBe(role);
      for (const e of env) expect(names.has(e.name), `${role}: ${e.name}`).toBe(true);
      expect(c.readinessProbe.httpGet).toMatchObject({ path: '/health/ready', port: 'http' });
      expect(c.livenessProbe.httpGet).toMatchObject({ path: '/health/live', port: 'http' });
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(c.resources.requests.cpu).toBeTruthy();
      expect(d.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(c.ports[0].containerPort));
      // Selected by a NetworkPolicy of the overlay.
      const np = docs.filter(
        (x) => x?.kind === 'NetworkPolicy' && matches(x.spec.podSelector.matchLabels, d.spec.template.metadata.labels),
      );
      expect(np.length, role).toBe(1);
    }
    expect(find('Deployment', 'primetrade-role-scheduler').spec.replicas).toBe(1);
  });

  it('k8s: an HPA per scaled role — tasks and events on CPU, the worker on queue depth (an exported metric) and CPU', () => {
    for (const role of ['auth', 'tasks', 'events', 'worker']) {
      const hpa = find('HorizontalPodAutoscaler', `primetrade-role-${role}`);
      expect(hpa, role).toBeDefined();
      expect(find(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name), role).toBeDefined();
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      const cpu = (hpa.spec.metrics as Any[]).find((m) => m.type === 'Resource' && m.resource.name === 'cpu');
      expect(cpu, role).toBeDefined();
    }
    const external = (find('HorizontalPodAutoscaler', 'primetrade-role-worker').spec.metrics as Any[]).find(
      (m) => m.type === 'External',
    );
    expect(external.external.metric.name).toBe('queue_depth');
    expect(exported.has('queue_depth')).toBe(true);
    expect(find('HorizontalPodAutoscaler', 'primetrade-role-scheduler')).toBeUndefined();
  });

  it('k8s: the Ingress sends every API path to the Service of its role; the all-in-one API is removed', () => {
    const patch = parse(read('k8s/roles/ingress-patch.yaml')) as Any[];
    const paths = patch[0].value as Array<{ path: string; backend: Any }>;
    expect(
      misrouted(
        pathsByRole,
        (u) => ingressService(paths, u),
        (r) => `primetrade-role-${r}`,
      ),
    ).toEqual([]);
    for (const p of paths) {
      const svc = find('Service', p.backend.service.name);
      expect(svc, p.path).toBeDefined();
      const pods = find('Deployment', p.backend.service.name).spec.template;
      expect(matches(svc.spec.selector, pods.metadata.labels)).toBe(true);
    }
    const deleted = (kustomization.patches as Any[]).map((p) => `${p.target.kind}/${p.target.name}`);
    for (const k of [
      'Deployment/primetrade-api',
      'HorizontalPodAutoscaler/primetrade-api',
      'Deployment/primetrade-worker',
    ]) {
      expect(deleted).toContain(k);
    }
  });

  it('k8s: `kubectl kustomize deploy/k8s/roles` renders the roles and none of the all-in-one API (when kubectl is installed)', (t) => {
    if (!which('kubectl')) {
      t.skip();
      return;
    }
    const out = spawnSync('kubectl', ['kustomize', path.join(here, 'k8s/roles')], { stdio: 'pipe', encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const rendered = parseAllDocuments(out.stdout).map((d) => d.toJS());
    const deployments = rendered.filter((d) => d.kind === 'Deployment').map((d) => d.metadata.name);
    expect(deployments.toSorted()).toEqual(SPLIT_ROLES.map((r) => `primetrade-role-${r}`).toSorted());
    expect(rendered.filter((d) => d.kind === 'Job').map((d) => d.metadata.name)).toEqual(['primetrade-migrate']);
    for (const d of rendered)
      expect(d.metadata.namespace ?? 'primetrade', `${d.kind}/${d.metadata.name}`).toBe('primetrade');
  });
});
