/**
 * OpenTelemetry tracing, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set. server.ts starts it before the app is
 * built: spans for incoming and outgoing HTTP, PostgreSQL (pg, pg-pool) and ioredis calls, and Fastify route and
 * handler spans, exported over OTLP/HTTP (JSON) to `<endpoint>/v1/traces` in batches.
 *
 * Pinned to the 2.x SDK / 0.2xx instrumentation line, the last one that runs on Node 20 (0.300+ needs 22.15).
 * No import hooks are needed: the instrumentations patch the prototypes of http, pg, pg-pool and ioredis, which we
 * re-require (the same cached module objects the app imported) right after enabling them.
 */
import { createRequire } from 'node:module';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Config } from '../../config';
import { enableTraceLogging } from '../../lib/log-context';

const NOISY = /^\/(health\/|metrics$|api\/health$)/;

let provider: NodeTracerProvider | undefined;

export interface TracingOptions {
  /** Batch delay (ms) before spans are sent; tests shorten it. */
  scheduledDelayMillis?: number;
}

export async function startTracing(config: Config, options: TracingOptions = {}): Promise<void> {
  if (!config.otlpEndpoint || provider) return;
  const url = `${config.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.otelServiceName,
      'service.version': config.release,
      'deployment.environment.name': config.nodeEnv,
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url, timeoutMillis: 5000 }), {
        scheduledDelayMillis: options.scheduledDelayMillis ?? 2000,
        maxQueueSize: 4096,
        maxExportBatchSize: 512,
      }),
    ],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are not traced; neither are the exporter's own requests.
        ignoreIncomingRequestHook: (req) => NOISY.test((req.url ?? '').split('?')[0] ?? ''),
        ignoreOutgoingRequestHook: (req) => String(req.path ?? '').startsWith('/v1/traces'),
      }),
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        ignorePaths: (opts: { url: string }) => NOISY.test(opts.url),
        // "GET /api/v1/tasks/:id" rather than "request".
        requestHook: (span, request) => {
          span.updateName(`${request.method} ${request.routeOptions.url ?? '(unmatched)'}`);
        },
      }),
    ],
  });
  // Trigger the patches on modules that may already be loaded (the app imported them before tracing started).
  const require = createRequire(import.meta.url);
  for (const name of ['node:http', 'node:https', 'pg', 'pg-pool', 'ioredis']) {
    try {
      require(name);
    } catch {
      // Not installed in this build: nothing to patch.
    }
  }
  enableTraceLogging();
}

/** Flush and stop (server.ts calls it on shutdown; a no-op when tracing is off). */
export async function shutdownTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  await p?.shutdown().catch(() => {});
}
