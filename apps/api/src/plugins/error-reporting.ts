/**
 * Error reporting (SENTRY_DSN): every 5xx response except 503 (a dependency is down: that is an alert, not a bug)
 * is reported with its request id, method, route pattern and status; server.ts reports unhandled rejections
 * through `app.errorReporter`. Without SENTRY_DSN nothing is registered: no hooks, no cost.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config';
import { ErrorReporter } from '../infra/telemetry/error-reporter';

declare module 'fastify' {
  interface FastifyInstance {
    /** Present when SENTRY_DSN is set. */
    errorReporter: ErrorReporter | undefined;
  }
}

const kError = Symbol('reportedError');

export interface ErrorReportingOptions {
  config: Pick<Config, 'sentryDsn' | 'release' | 'nodeEnv' | 'otelServiceName'>;
}

async function errorReporting(app: FastifyInstance, { config }: ErrorReportingOptions) {
  if (!config.sentryDsn) {
    app.decorate('errorReporter', undefined);
    return;
  }
  const reporter = new ErrorReporter({
    dsn: config.sentryDsn,
    release: config.release,
    environment: config.nodeEnv,
    serviceName: config.otelServiceName,
    onError: (err) => app.log.warn({ err }, 'could not send an error report'),
  });
  app.decorate('errorReporter', reporter);

  // onError runs before the error handler decides the status; keep the error, report once the status is known.
  app.addHook('onError', (request, _reply, error, done) => {
    (request as unknown as Record<symbol, unknown>)[kError] = error;
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    if (status >= 500 && status !== 503) {
      const error = (request as unknown as Record<symbol, unknown>)[kError] ?? new Error(`HTTP ${status}`);
      reporter.capture(error, {
        mechanism: 'http',
        requestId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? '(unmatched)',
        status,
      });
    }
    done();
  });
  app.addHook('onClose', async () => reporter.flush());
}

export default fp(errorReporting, { name: 'error-reporting' });
