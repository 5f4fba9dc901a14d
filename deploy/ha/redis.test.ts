/**
 * Static checks of the Redis HA deploy files (as deploy/deploy.test.ts checks the rest of deploy/): the compose
 * override (compose.ha-redis.yaml) over compose.yaml, the local stack script R9 kills a master of
 * (ha/redis-stack.sh), and the Kubernetes values (k8s/ha/redis-sentinel-values.yaml, Bitnami Redis with Sentinel).
 * Cross-checked against each other and the code: every app service of compose.yaml is pointed at the Sentinels,
 * the Sentinels monitor the master with a majority quorum, the app's config accepts the settings. The running shape
 * itself is fault test R9 (bench/faults/r9-redis-failover.mjs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../apps/api/src/config';

const here = path.dirname(fileURLToPath(import.meta.url));
const deploy = path.resolve(here, '..');
const root = path.resolve(deploy, '..');
const read = (p: string) => readFileSync(path.join(deploy, p), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is checked field by field below
type Any = any;
const base = parse(read('compose.yaml'), { merge: true }) as Any;
const ha = parse(read('compose.ha-redis.yaml'), { merge: true }) as Any;

function configEnvNames(): Set<string> {
  const src = readFileSync(path.join(root, 'apps/api/src/config.ts'), 'utf8');
  const body = src.slice(src.indexOf('const envSchema = z.object({'));
  return new Set([...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] as string));
}

const appServiceNames = () =>
  Object.entries(base.services as Record<string, Any>)
    .filter(([, s]) => String(s.image).startsWith('primetrade-tasks'))
    .map(([name]) => name);

/** `sentinel monitor <name> <host> <port> <quorum>` of a Sentinel service's generated config. */
function monitorOf(s: Any): { name: string; host: string; port: string; quorum: number } | undefined {
  const m = /sentinel monitor (\S+) (\S+) (\d+) (\d+)/.exec((s.command ?? []).join('\n'));
  return m ? { name: m[1] as string, host: m[2] as string, port: m[3] as string, quorum: Number(m[4]) } : undefined;
}

/** Everything wrong with how an override points the app at the Sentinels (empty = fine). */
function sentinelWiringProblems(override: Any): string[] {
  const problems: string[] = [];
  const services = override.services as Record<string, Any>;
  const sentinels = Object.keys(services).filter((n) => monitorOf(services[n]));
  const known = configEnvNames();
  const master = monitorOf(services[sentinels[0] as string]);
  for (const name of appServiceNames()) {
    const env = services[name]?.environment;
    if (!env) {
      problems.push(`${name} is not pointed at the Sentinels`);
      continue;
    }
    if (env.REDIS_URL !== '') problems.push(`${name}: REDIS_URL not cleared`);
    if (env.REDIS_MASTER_NAME !== master?.name) problems.push(`${name}: REDIS_MASTER_NAME ≠ the monitored name`);
    const listed = String(env.REDIS_SENTINELS ?? '')
      .split(',')
      .map((hp) => hp.split(':')[0]);
    if ([...listed].sort().join() !== [...sentinels].sort().join())
      problems.push(`${name}: REDIS_SENTINELS lists ${listed.join(',')}, not the Sentinel services`);
    for (const key of Object.keys(env)) if (!known.has(key)) problems.push(`${name}: ${key} is not in config.ts`);
  }
  return problems;
}

describe('compose.ha-redis.yaml (Redis master + 2 replicas, 3 Sentinels)', () => {
  const services = ha.services as Record<string, Any>;

  it('runs the master (compose.yaml redis) and two replicas of it, persistence and memory policy as compose.yaml', () => {
    const baseCmd = base.services.redis.command.join(' ');
    expect(services.redis.command.join(' ')).not.toContain('--replicaof');
    for (const r of ['redis-replica-1', 'redis-replica-2']) {
      const cmd = services[r].command.join(' ');
      expect(cmd).toContain('--replicaof redis 6379');
      expect(cmd).toContain('--appendonly yes');
      expect(cmd).toContain('--maxmemory-policy noeviction');
      expect(services[r].depends_on.redis.condition).toBe('service_healthy');
    }
    expect(baseCmd).toContain('--maxmemory-policy noeviction');
    expect(services.redis.command.join(' ')).toContain('--maxmemory-policy noeviction');
  });

  it('runs three Sentinels that monitor the master with a majority quorum and a bounded detection time', () => {
    const sentinels = Object.keys(services).filter((n) => monitorOf(services[n]));
    expect(sentinels).toEqual(['redis-sentinel-1', 'redis-sentinel-2', 'redis-sentinel-3']);
    for (const n of sentinels) {
      const m = monitorOf(services[n]);
      expect(m).toEqual({ name: 'primetrade', host: 'redis', port: '6379', quorum: 2 });
      const cmd = services[n].command.join('\n');
      const downAfter = Number(/down-after-milliseconds primetrade (\d+)/.exec(cmd)?.[1]);
      expect(downAfter).toBeGreaterThan(0);
      // Detection + election well inside R9's 10 s on the shape that production runs.
      expect(downAfter).toBeLessThanOrEqual(5000);
      expect(cmd).toContain('exec redis-sentinel /data/sentinel.conf');
      expect(services[n].healthcheck.test.join(' ')).toContain('ckquorum primetrade');
    }
    // A majority: a partitioned minority of Sentinels can never promote on its own.
    expect(monitorOf(services['redis-sentinel-1'])?.quorum).toBeGreaterThan(sentinels.length / 2);
  });

  it('points every app service of compose.yaml at the Sentinels (and no longer at REDIS_URL)', () => {
    expect(appServiceNames().length).toBeGreaterThanOrEqual(5);
    expect(sentinelWiringProblems(ha)).toEqual([]);
    // The app's config takes the value as written.
    const env = services['api-1'].environment;
    const c = loadConfig({ REDIS_SENTINELS: env.REDIS_SENTINELS, REDIS_MASTER_NAME: env.REDIS_MASTER_NAME });
    expect(c.redisSentinel?.sentinels.map((s) => `${s.host}:${s.port}`)).toEqual(env.REDIS_SENTINELS.split(','));
  });

  it('planted fault: an app service left on REDIS_URL is caught', () => {
    const planted = structuredClone(ha);
    delete planted.services.worker;
    planted.services['api-2'] = {
      environment: { ...planted.services['api-2'].environment, REDIS_URL: 'redis://redis:6379' },
    };
    const problems = sentinelWiringProblems(planted);
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining(['api-2: REDIS_URL not cleared', 'worker is not pointed at the Sentinels']),
    );
  });

  it('declares its volumes', () => {
    for (const [name, s] of Object.entries(services))
      for (const v of (s.volumes ?? []) as string[]) {
        const [src] = v.split(':');
        expect(ha.volumes ?? base.volumes, `${name}: volume ${src}`).toHaveProperty(src as string);
      }
  });
});

describe('the local stack R9 kills (deploy/ha/redis-stack.sh)', () => {
  const script = read('ha/redis-stack.sh');
  it('is three nodes and three Sentinels with quorum 2, stopped by recorded PIDs only', () => {
    expect(script).toMatch(/^QUORUM=2$/m);
    expect(script).toMatch(/^NODES=\(0 1 2\)$/m);
    expect(script).toContain('sentinel monitor $NAME 127.0.0.1 $master_port $QUORUM');
    expect(script).toContain('bind 127.0.0.1');
    // Never by name: no pkill/killall anywhere.
    expect(script).not.toMatch(/\b(pkill|killall)\b/);
    expect(script).toContain('kill -TERM "$pid"');
  });
});

describe('Kubernetes (deploy/k8s/ha, Redis)', () => {
  const values = parse(read('k8s/ha/redis-sentinel-values.yaml')) as Any;
  const notes = read('k8s/ha/redis-sentinel.md');

  it('is the Bitnami chart in replication mode with Sentinel: three nodes, quorum 2, the app master name', () => {
    expect(values.architecture).toBe('replication');
    expect(values.sentinel.enabled).toBe(true);
    expect(values.replica.replicaCount).toBe(3);
    expect(values.sentinel.quorum).toBe(2);
    expect(values.sentinel.masterSet).toBe('primetrade');
    expect(values.sentinel.downAfterMilliseconds).toBeLessThanOrEqual(5000);
    expect(values.commonConfiguration).toContain('maxmemory-policy noeviction');
    const ns = parse(read('k8s/base/namespace.yaml')) as Any;
    expect(values.namespaceOverride).toBe(ns.metadata.name);
  });

  it('names the chart and operators, and gives settings the app accepts for the pods the chart makes', () => {
    expect(notes).toMatch(/Bitnami Redis Helm chart/);
    expect(notes).toMatch(/Spotahome redis-operator/);
    const sentinels = /`REDIS_SENTINELS=([^`]+)`/.exec(notes)?.[1] as string;
    const c = loadConfig({ REDIS_SENTINELS: sentinels, REDIS_MASTER_NAME: values.sentinel.masterSet });
    expect(c.redisSentinel?.sentinels).toHaveLength(values.replica.replicaCount);
    for (const [i, s] of (c.redisSentinel?.sentinels ?? []).entries()) {
      expect(s.host).toBe(`${values.fullnameOverride}-node-${i}.${values.fullnameOverride}-headless`);
      expect(s.port).toBe(26379);
    }
    // The pods the NetworkPolicy admits are the base's api and worker pods.
    const admitted = values.networkPolicy.extraIngress[0].from[0].podSelector.matchExpressions[0].values;
    for (const f of ['api-deployment.yaml', 'worker-deployment.yaml']) {
      const d = parse(read(`k8s/base/${f}`)) as Any;
      expect(admitted).toContain(d.spec.template.metadata.labels['app.kubernetes.io/name']);
    }
  });
});
