/**
 * Tracing end to end: the real server process with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a small OTLP/HTTP
 * receiver on loopback. One request (carrying a W3C traceparent, so its trace id is known) must produce an HTTP
 * server span and Fastify route spans in that trace, and the request's log line must carry the same trace id.
 * On PostgreSQL (TEST_DATABASE_URL) the database spans are checked too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { freshPostgres } from '../../test/context';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
/** The server run from source in ONE process (the tsx CLI would fork a child a SIGKILL does not reach). */
const TSX_SERVER = ['--import', 'tsx', 'apps/api/src/server.ts'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  scope: string;
  service?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function attr(span: OtlpSpan, key: string): unknown {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
}

describe('OpenTelemetry tracing', () => {
  const spans: OtlpSpan[] = [];
  let receiver: http.Server;
  let receiverPort: number;
  let child: ChildProcess;
  let port: number;
  let output = '';
  let dataDir: string;
  let dropDb: (() => Promise<void>) | undefined;
  const usePostgres = Boolean(testConfig().testDatabaseUrl);

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          for (const rs of body.resourceSpans ?? []) {
            const service = rs.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value
              ?.stringValue;
            for (const ss of rs.scopeSpans ?? []) {
              for (const s of ss.spans ?? []) spans.push({ ...s, scope: ss.scope?.name, service });
            }
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else {
          res.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverPort = (receiver.address() as net.AddressInfo).port;

    dataDir = mkdtempSync(path.join(tmpdir(), 'pt-otel-'));
    port = await freePort();
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      SERVE_WEB: 'false',
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
      OTEL_SERVICE_NAME: 'primetrade-test',
    };
    const base = testConfig().testDatabaseUrl;
    if (base) {
      const fresh = await freshPostgres(base, 2);
      // The server migrates it itself; drop() (reopening nothing) removes it afterwards.
      dropDb = fresh.drop;
      env.DATABASE_URL = fresh.url;
      env.JWT_SECRET = randomBytes(32).toString('hex');
    }
    child = spawn(process.execPath, TSX_SERVER, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    const deadline = Date.now() + 120_000; // generous: CI machines are shared
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/health/live`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
      await sleep(200);
    }
  }, 150_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await new Promise((r) => receiver?.close(r));
    rmSync(dataDir, { recursive: true, force: true });
    await dropDb?.().catch(() => {});
  });

  it('exports the spans of one request and logs its trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`, {
      headers: { traceparent: `00-${traceId}-${parent}-01` },
    });
    expect(res.status).toBe(200);
    // A request that reaches the database (the readiness probe itself is not traced).
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${parent}-01` },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password-1' }),
    });
    expect(login.status).toBeLessThan(500);

    const deadline = Date.now() + 15_000;
    const mine = () => spans.filter((s) => s.traceId === traceId);
    while (!mine().some((s) => s.scope === '@fastify/otel') || !mine().some((s) => s.kind === 2)) {
      expect(Date.now(), `spans so far: ${JSON.stringify(spans.map((s) => [s.scope, s.name]))}`).toBeLessThan(deadline);
      await sleep(200);
    }
    const server = mine().find((s) => s.kind === 2 && attr(s, 'http.route') === '/api/v1/openapi.json');
    expect(server, JSON.stringify(mine().map((s) => [s.scope, s.name, s.kind]))).toBeDefined();
    expect(server?.parentSpanId).toBe(parent);
    expect(server?.service).toBe('primetrade-test');
    const route = mine().find((s) => s.scope === '@fastify/otel' && s.name === 'GET /api/v1/openapi.json');
    expect(route && attr(route, 'http.route')).toBe('/api/v1/openapi.json');
    expect(mine().some((s) => s.scope === '@fastify/otel' && s.name.startsWith('handler'))).toBe(true);
    if (usePostgres) {
      while (!mine().some((s) => s.scope.includes('instrumentation-pg'))) {
        expect(Date.now()).toBeLessThan(deadline);
        await sleep(200);
      }
    }

    // The request's log line carries the same trace id (pino mixin).
    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = lines.find((l) => l.msg === 'request' && l.url === '/api/v1/openapi.json');
    expect(line?.traceId).toBe(traceId);

    // The exporter's own requests and the probes are not traced.
    expect(spans.some((s) => String(attr(s, 'url.path') ?? attr(s, 'http.target') ?? '').includes('/v1/traces'))).toBe(
      false,
    );
    expect(spans.some((s) => String(attr(s, 'http.route') ?? '').startsWith('/health'))).toBe(false);

    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
  }, 40_000);
});
