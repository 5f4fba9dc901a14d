/**
 * Static checks of the PostgreSQL HA deploy files (as deploy/deploy.test.ts checks the rest of deploy/): the compose
 * override (compose.ha-pg.yaml) over compose.yaml, the Patroni and HAProxy configs it mounts, and the Kubernetes
 * operator resource. Cross-checked against each other and the code: every app service of compose.yaml is pointed
 * at HAProxy's ports, the HAProxy frontends check Patroni's /primary and /replica, Patroni runs synchronous_mode.
 * `haproxy -c` and `patroni --validate-config` run when the binaries are installed (the R8 fault suite installs
 * them). The running shape itself is fault test R8 (bench/faults/r8-pg-failover.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const deploy = path.resolve(here, '..');
const root = path.resolve(deploy, '..');
const read = (p: string) => readFileSync(path.join(deploy, p), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is checked field by field below
type Any = any;
// Compose's merge tags (`!override` replaces a map instead of merging it); the value is the map itself.
const customTags = [{ tag: '!override', collection: 'map' as const, resolve: (m: unknown) => m }];
const base = parse(read('compose.yaml'), { merge: true }) as Any;
const ha = parse(read('compose.ha-pg.yaml'), { merge: true, customTags }) as Any;
const haproxy = read('ha/pg/haproxy.cfg');
const patroni = parse(read('ha/pg/patroni.yml')) as Any;
/** Compose's ${VAR:?message} placeholders, filled as compose would with a value. */
const subst = (v: string) => v.replace(/\$\{[^}]+\}/g, 'x');
const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

function configEnvNames(): Set<string> {
  const src = readFileSync(path.join(root, 'apps/api/src/config.ts'), 'utf8');
  const body = src.slice(src.indexOf('const envSchema = z.object({'));
  return new Set([...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] as string));
}

/** The `listen <name>` sections of the HAProxy config: bind port, health check, servers. */
function listens(cfg: string): Map<string, { bind: string; check: string; servers: string[]; defaults: string }> {
  const out = new Map();
  for (const block of cfg.split(/\n(?=\S)/)) {
    const m = /^listen (\S+)/.exec(block);
    if (!m) continue;
    out.set(m[1], {
      bind: /^\s+bind (\S+)/m.exec(block)?.[1] ?? '',
      check: /^\s+option httpchk (.+)$/m.exec(block)?.[1] ?? '',
      servers: [...block.matchAll(/^\s+server (\S+) (\S+)/gm)].map((s) => s[2] as string),
      defaults: /^\s+default-server (.+)$/m.exec(block)?.[1] ?? '',
    });
  }
  return out;
}

describe('compose.ha-pg.yaml (PostgreSQL under Patroni behind HAProxy)', () => {
  const services = ha.services as Record<string, Any>;
  const appServices = Object.entries(base.services as Record<string, Any>)
    .filter(([, s]) => String(s.image).startsWith('primetrade-tasks'))
    .map(([name]) => name);

  it('runs three etcd members, three Patroni nodes and HAProxy; leaves the single primary/replica out', () => {
    for (const s of ['etcd-1', 'etcd-2', 'etcd-3', 'pg-1', 'pg-2', 'pg-3', 'haproxy'])
      expect(services[s], s).toBeDefined();
    const cluster = services['etcd-1'].command.find((a: string) => a.startsWith('--initial-cluster='));
    for (const e of ['etcd-1', 'etcd-2', 'etcd-3']) {
      expect(services[e].command).toContain(cluster);
      expect(services[e].command).toContain(`--name=${e}`);
    }
    const names = ['pg-1', 'pg-2', 'pg-3'].map((n) => services[n].environment.PATRONI_NAME);
    expect(new Set(names).size).toBe(3);
    for (const n of ['pg-1', 'pg-2', 'pg-3']) {
      const env = services[n].environment;
      expect(env.PATRONI_RESTAPI_CONNECT_ADDRESS).toBe(`${n}:8008`);
      expect(env.PATRONI_POSTGRESQL_CONNECT_ADDRESS).toBe(`${n}:5432`);
      for (const h of env.PATRONI_ETCD3_HOSTS.split(',')) expect(services[h.split(':')[0]], h).toBeDefined();
      expect(existsSync(path.join(deploy, services[n].build.context, services[n].build.dockerfile))).toBe(true);
    }
    for (const s of ['postgres', 'postgres-replica']) expect(services[s].profiles).toEqual(['single-postgres']);
  });

  it('points every app service of compose.yaml at HAProxy (writes and reads), with env vars config.ts knows', () => {
    const fe = listens(haproxy);
    const writePort = fe.get('pg-write')?.bind.split(':').pop();
    const readPort = fe.get('pg-read')?.bind.split(':').pop();
    const known = configEnvNames();
    expect(appServices.length).toBeGreaterThanOrEqual(5);
    for (const name of appServices) {
      const env = services[name]?.environment;
      expect(env, `${name} is not repointed by compose.ha-pg.yaml`).toBeDefined();
      expect(new URL(subst(env.DATABASE_URL)).host).toBe(`haproxy:${writePort}`);
      expect(new URL(subst(env.DATABASE_REPLICA_URL)).host).toBe(`haproxy:${readPort}`);
      for (const key of Object.keys(env)) expect(known.has(key), `${name}: ${key}`).toBe(true);
      // No app service waits on a service this override leaves out.
      for (const d of Object.keys(services[name].depends_on ?? base.services[name].depends_on ?? {}))
        expect(['postgres', 'postgres-replica'], `${name} depends on ${d}`).not.toContain(d);
    }
    expect(services.haproxy.expose).toEqual(expect.arrayContaining([writePort, readPort]));
  });

  it('mounts files that exist and declares its volumes', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of (s.volumes ?? []) as string[]) {
        const [src] = v.split(':');
        if (src?.startsWith('.')) expect(existsSync(path.join(deploy, src)), `${name}: ${src}`).toBe(true);
        else expect(ha.volumes, `${name}: volume ${src}`).toHaveProperty(src as string);
      }
    }
  });
});

describe('HAProxy config (deploy/ha/pg/haproxy.cfg)', () => {
  const fe = listens(haproxy);

  it('sends writes only to the Patroni leader (GET /primary) and reads to replicas with a lag bound', () => {
    expect(fe.get('pg-write')?.check).toBe('GET /primary');
    expect(fe.get('pg-read')?.check).toMatch(/^GET \/replica\?lag=\d+MB$/);
    for (const f of ['pg-write', 'pg-read']) {
      expect(fe.get(f)?.servers).toEqual(['pg-1:5432', 'pg-2:5432', 'pg-3:5432']);
      // A node that stops being the primary loses its connections at once.
      expect(fe.get(f)?.defaults).toContain('on-marked-down shutdown-sessions');
    }
    expect(haproxy).toMatch(/server pg-1 pg-1:5432 .*check port 8008/);
  });

  it('passes haproxy -c (when haproxy is installed)', (t) => {
    if (!has('haproxy')) return t.skip();
    const dir = mkdtempSync(path.join(tmpdir(), 'haproxy-'));
    try {
      // The compose hostnames and Docker's DNS do not exist here: loopback for the syntax check.
      const cfg = haproxy
        .replace(/pg-\d:(\d+)/g, '127.0.0.1:$1')
        .replace(/ resolvers docker init-addr [^\n]+/g, '')
        .replace(/\nresolvers docker[\s\S]*$/, '\n');
      writeFileSync(path.join(dir, 'haproxy.cfg'), cfg);
      const r = spawnSync('haproxy', ['-c', '-f', path.join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
      expect(r.status, r.stderr || r.stdout).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the shape the local stack that R8 kills runs (same checks and on-marked-down)', () => {
    const stack = readFileSync(path.join(here, 'pg-stack.mjs'), 'utf8');
    expect(stack).toContain('option httpchk GET /primary');
    expect(stack).toMatch(/option httpchk GET \/replica\?lag=1MB/);
    expect(stack).toContain('on-marked-down shutdown-sessions');
    expect(haproxy).toMatch(/option httpchk GET \/replica\?lag=1MB/);
  });
});

describe('Patroni config (deploy/ha/pg/patroni.yml)', () => {
  it('runs synchronous replication, fails a crashed primary over, rewinds the old one', () => {
    const dcs = patroni.bootstrap.dcs;
    expect(dcs.synchronous_mode).toBe(true);
    expect(dcs.primary_start_timeout).toBe(0);
    expect(dcs.postgresql.use_pg_rewind).toBe(true);
    expect(dcs.postgresql.parameters.wal_log_hints).toBe('on');
    expect(dcs.postgresql.parameters.synchronous_commit).toBe('on');
    // Patroni's rule: loop_wait + 2 × retry_timeout ≤ ttl.
    expect(dcs.loop_wait + 2 * dcs.retry_timeout).toBeLessThanOrEqual(dcs.ttl);
    expect(existsSync(path.join(here, 'pg/post-bootstrap.sh'))).toBe(true);
    expect(patroni.bootstrap.post_bootstrap).toBe('/etc/patroni/post-bootstrap.sh');
  });

  it('passes patroni --validate-config (when patroni is installed)', (t) => {
    if (!has('patroni')) return t.skip();
    const r = spawnSync('patroni', ['--validate-config', path.join(here, 'pg/patroni.yml')], {
      encoding: 'utf8',
      // pg-1's environment as compose gives it (passwords are placeholders there).
      env: {
        ...process.env,
        ...Object.fromEntries(
          Object.entries(ha.services['pg-1'].environment as Record<string, string>).map(([k, v]) => [k, subst(v)]),
        ),
      },
    });
    // What only the container has: PostgreSQL 17's bin_dir (the image), reachable etcd hosts, free ports.
    const problems = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter(
        (l) =>
          l.trim() &&
          !/bin_dir|\/usr\/lib\/postgresql\/17|is not reachable|already in use|Name or service not known/.test(l),
      );
    expect(problems, `${r.stdout}${r.stderr}`).toEqual([]);
  });
});

describe('Kubernetes (deploy/k8s/ha)', () => {
  const cr = parse(read('k8s/ha/postgresql.yaml')) as Any;
  const readme = read('k8s/ha/README.md');

  it('is a Patroni-based operator cluster of three with synchronous replication', () => {
    expect(cr.apiVersion).toBe('acid.zalan.do/v1');
    expect(cr.kind).toBe('postgresql');
    expect(cr.spec.numberOfInstances).toBe(3);
    expect(cr.spec.patroni.synchronous_mode).toBe(true);
    expect(cr.spec.patroni.loop_wait + 2 * cr.spec.patroni.retry_timeout).toBeLessThanOrEqual(cr.spec.patroni.ttl);
    expect(cr.spec.databases.primetrade).toBe('primetrade');
    // The namespace of the base.
    const ns = parse(read('k8s/base/namespace.yaml')) as Any;
    expect(cr.metadata.namespace).toBe(ns.metadata.name);
  });

  it('names the operator and the services the app uses', () => {
    expect(readme).toMatch(/Zalando postgres-operator/);
    expect(readme).toMatch(/CloudNativePG/);
    expect(readme).toContain(`${cr.metadata.name}-repl`);
    const secret = read('k8s/base/secret.yaml');
    expect(secret).toContain('DATABASE_URL');
    expect(secret).toContain('DATABASE_REPLICA_URL');
  });
});
