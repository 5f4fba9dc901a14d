/**
 * buildApp(platform) assembles the Fastify instance — plugins, routes, error handling — and never listens.
 * server.ts listens; tests call app.inject().
 */
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorCode, requiredTokenScope } from '@primetrade/shared';
import { composeModules, type ModuleParts, type Modules } from './composition';
import { routeMounts, runsBackground } from './roles';
import type { Platform } from './platform';
import { validation } from './lib/errors';
import { loggerOptions } from './lib/logger';
import { hasMalformedQuery } from './lib/query-string';
import { lazySerializers } from './lib/serializer';
import authPlugin from './plugins/auth';
import { clientErrorHandler } from './plugins/client-error';
import errorReportingPlugin from './plugins/error-reporting';
import errorsPlugin, { sendProblem } from './plugins/errors';
import { domainMetricsPlugin } from './plugins/domain-metrics';
import metricsPlugin from './plugins/metrics';
import { openapiTransform, openapiTransformObject } from './plugins/openapi';
import rateLimitPlugin from './plugins/rate-limit';
import { securityHeadersPlugin } from './plugins/security-headers';
import { admissionServerFactory } from './plugins/admission';
import { loadSheddingPlugin } from './plugins/load-shedding';
import { testRoutes } from './plugins/test-routes';
import { webPlugin } from './plugins/web';

const API_PREFIX = '/api/v1';
const BODY_LIMIT = 1024 * 1024;
const REQUEST_ID_RE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export interface BuildOptions {
  /** A pino logger config or false; defaults to the config's LOG_LEVEL. */
  logger?: FastifyServerOptions['logger'];
  /** The modules, when the caller composed them (tests reach their services); else composed here. */
  modules?: Modules;
}

export type App = FastifyInstance;

export async function buildApp(platform: Platform, options: BuildOptions = {}): Promise<App> {
  const { config } = platform;
  const modules = options.modules ?? composeModules(platform);
  const app = Fastify({
    logger: options.logger ?? (config.logLevel === 'silent' ? false : loggerOptions(config.logLevel)),
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    ...(config.maxInFlight > 0
      ? {
          serverFactory: admissionServerFactory({
            maxInFlight: config.maxInFlight,
            secureCookies: config.secureCookies,
            onShed: () => platform.metrics.loadShed.inc({ reason: 'inFlight' }),
          }),
        }
      : {}),
    return503OnClosing: true,
    clientErrorHandler: clientErrorHandler(config.secureCookies),
    forceCloseConnections: 'idle',
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 72_000,
    routerOptions: { maxParamLength: 200 },
    // Router-level failures (a malformed %-escape, an over-long path parameter) skip the hooks and the error
    // handler: answer them in the contract's problem+json shape too (found by src/security/fuzz.test.ts).
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
      if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
      return sendProblem(
        reply,
        400,
        ErrorCode.VALIDATION_FAILED,
        error.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid' : 'A path parameter is too long',
      );
    },
    ajv: { customOptions: { allErrors: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  const serializers = lazySerializers();
  app.setSerializerCompiler(serializers.compiler);
  app.decorate('compileSerializers', serializers.compileAll);
  // Only JSON is parsed by default: a text/plain body on a JSON route is 415 (CSRF-safe: no "simple" requests).
  app.removeContentTypeParser('text/plain');

  app.decorate('shuttingDown', false);

  // What the platform opened (Redis connections, the queue, the mail pool) closes after the modules stop; the
  // database is the caller's.
  app.addHook('onClose', async () => {
    for (const close of platform.closers) await close();
  });
  // The background parts this process's roles run (roles.ts); a part without a start (a stop that waits for work
  // kicked by a request) stops on every role.
  const parts: ModuleParts[] = Object.entries(modules as Record<string, ModuleParts>)
    .filter(([name, m]) => !m.start || runsBackground(name, config.roles))
    .map(([, m]) => m);
  app.addHook('onReady', async () => {
    for (const m of parts) await m.start?.();
  });
  app.addHook('onClose', async () => {
    for (const m of parts.toReversed()) await m.stop?.();
  });
  await app.register(errorsPlugin);
  await app.register(metricsPlugin, {
    metrics: platform.metrics,
    metricsToken: config.metricsToken,
    checks: modules.health.checks,
  });
  await app.register(domainMetricsPlugin, {
    events: platform.events,
    metrics: platform.metrics,
    queue: platform.queue,
  });
  await app.register(errorReportingPlugin, { config });

  // Every response carries the request id; API responses are never cached by intermediaries.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    if (hasMalformedQuery(request.url)) {
      throw validation(
        [{ path: 'querystring', message: 'Malformed %-escape (not %XX, or not UTF-8)' }],
        'The query string is not valid',
      );
    }
  });
  // While draining (SIGTERM), responses close their connection so a proxy never reuses it for a request this
  // instance would refuse (nginx does not retry a refused POST on another upstream).
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.shuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });
  // One log line per request (two lines cost ~40 % of throughput here).
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.routeOptions.url ?? request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        userId: request.auth?.userId,
        ip: request.ip,
      },
      'request',
    );
  });

  await app.register(cookie);
  await app.register(securityHeadersPlugin, { secureCookies: config.secureCookies });
  await app.register(loadSheddingPlugin, {
    maxEventLoopDelayMs: config.maxEventLoopDelayMs,
    metrics: platform.metrics,
  });
  await app.register(cors, {
    origin: (origin, cb) => {
      if (!origin) return cb(null, false);
      cb(null, config.corsOrigins.includes(origin.replace(/\/$/, '')) ? origin : false);
    },
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'X-Request-ID',
      'X-CSRF-Token',
      'X-Auth-Mode',
      'If-Match',
      'If-None-Match',
      'Idempotency-Key',
      'Last-Event-ID',
    ],
    exposedHeaders: [
      'X-Request-ID',
      'ETag',
      'Location',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
    ],
    maxAge: 600,
  });
  const { default: compress } = await import('@fastify/compress');
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
    brotliOptions: { params: { 1: 4 } } as never,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Primetrade Tasks API',
        version: '1.0.0',
        description: 'The HTTP contract of Primetrade Tasks. Errors are application/problem+json (RFC 9457).',
      },
      servers: [{ url: config.appUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiToken: { type: 'http', scheme: 'bearer', bearerFormat: 'ptt_ personal API token' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'access_token' },
        },
      },
    },
    transform: openapiTransform,
    transformObject: openapiTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  await app.register(authPlugin, {
    tokens: platform.tokens,
    sessions: modules.auth.sessionGuard,
    cookies: { secure: config.secureCookies, origins: config.cookieWriteOrigins },
    apiTokens: {
      authenticate: (secret) => modules.tokens.guard.authenticate(secret),
      requiredScope: requiredTokenScope,
    },
  });
  await app.register(rateLimitPlugin, {
    store: platform.rateLimitStore,
    apiMax: config.rateLimit.apiMax,
    apiWindowSec: config.rateLimit.apiWindowSec,
  });

  await app.register(modules.health.routes);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // The route modules of this process's roles, from the one table (roles.ts); health, metrics, the OpenAPI
  // document and the web app are on every role.
  await app.register(
    async (api) => {
      for (const mount of routeMounts(config.roles)) {
        const routes = (modules as Record<string, ModuleParts>)[mount.module]?.routes;
        if (routes) await api.register(routes, mount.prefix ? { prefix: mount.prefix } : {});
      }
    },
    { prefix: API_PREFIX },
  );

  if (config.testRoutes) await app.register(testRoutes);
  await app.register(webPlugin, {
    serveWeb: config.serveWeb,
    webDistDir: config.webDistDir,
    logStaticRequests: config.logStaticRequests,
  });

  app.setNotFoundHandler((request, reply) => {
    return sendProblem(reply, 404, 'NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`);
  });

  return app as unknown as App;
}
