/**
 * Error reporting through the Sentry SDK (@sentry/node), on only when SENTRY_DSN is set: each report is one
 * envelope POSTed to the DSN's envelope endpoint (Sentry, GlitchTip and other compatible servers accept it). It
 * sends the error's type, message (credentials and tokens masked) and stack, the request id, method, route pattern
 * and status, the release and environment — never headers, cookies, bodies, query strings or user data.
 *
 * How the SDK is held so it keeps those guarantees (docs/adr/0003): a private `NodeClient` bound to its own `Scope`
 * per app (no `Sentry.init`, no global hub: many apps in one process do not share it), `enableOpenTelemetrySetup:
 * false` (our own tracing in infra/telemetry stays the only OpenTelemetry set-up), no integrations at all (no http/
 * console/context-lines/request-data instrumentation, so nothing is collected that we do not hand it), every
 * `dataCollection` switch off (v11's successor of `sendDefaultPii: false`), no server name, no client reports, and a `beforeSend` that keeps only the fields above and scrubs them. The
 * SDK is imported when a reporter is made, so a server without SENTRY_DSN does not pay for loading it.
 */
import type { ErrorEvent, NodeClient, Scope } from '@sentry/node';

export interface ReportContext {
  requestId?: string;
  method?: string;
  route?: string;
  status?: number;
  /** How it was caught: 'http' (a 5xx response) or 'unhandledRejection'. */
  mechanism: string;
}

export interface ReporterOptions {
  dsn: string;
  release: string;
  environment: string;
  serviceName: string;
  /** At most this many reports in flight; more are dropped (an error storm must not become a request storm). */
  maxInFlight?: number;
  timeoutMs?: number;
  /** Called when a report cannot be sent (logged by the caller). */
  onError?: (err: unknown) => void;
}

interface ParsedDsn {
  envelopeUrl: string;
  publicKey: string;
}

export function parseDsn(dsn: string): ParsedDsn {
  const u = new URL(dsn);
  const projectId = u.pathname.split('/').filter(Boolean).pop();
  if (!u.username || !projectId) throw new Error('SENTRY_DSN must look like https://<key>@<host>/<project>');
  const prefix = u.pathname.slice(0, u.pathname.lastIndexOf(`/${projectId}`));
  return {
    envelopeUrl: `${u.protocol}//${u.host}${prefix}/api/${projectId}/envelope/`,
    publicKey: decodeURIComponent(u.username),
  };
}

/** Mask what could be a credential inside an error message or stack. */
export function scrub(text: string): string {
  return text
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//[redacted]@')
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[jwt]')
    .replace(/\b(password|secret|token)=([^\s&]+)/gi, '$1=[redacted]')
    .slice(0, 4000);
}

/**
 * Keep only what this reporter means to send (allow-list, not deny-list): anything an SDK update starts adding on
 * its own — request data, user, breadcrumbs, extra, server name, source lines — is dropped here.
 */
export function strip(event: ErrorEvent, serviceName: string): ErrorEvent {
  const values = (event.exception?.values ?? []).map((v) => ({
    type: v.type,
    value: v.value === undefined ? undefined : scrub(v.value),
    mechanism: v.mechanism,
    stacktrace: v.stacktrace?.frames
      ? {
          frames: v.stacktrace.frames.map((f) => ({
            function: f.function,
            module: f.module,
            filename: f.filename === undefined ? undefined : scrub(f.filename),
            lineno: f.lineno,
            colno: f.colno,
            in_app: f.in_app,
          })),
        }
      : undefined,
  }));
  return {
    type: undefined,
    event_id: event.event_id,
    timestamp: event.timestamp,
    platform: event.platform,
    level: event.level,
    logger: serviceName,
    release: event.release,
    environment: event.environment,
    tags: event.tags,
    transaction: event.transaction,
    sdk: event.sdk ? { name: event.sdk.name, version: event.sdk.version } : undefined,
    exception: { values },
  };
}

export class ErrorReporter {
  private readonly dsn: ParsedDsn;
  private readonly pending = new Set<Promise<void>>();
  private readonly maxInFlight: number;
  private sdk: Promise<{ client: NodeClient; scope: Scope }> | undefined;

  constructor(private readonly options: ReporterOptions) {
    this.dsn = parseDsn(options.dsn);
    this.maxInFlight = options.maxInFlight ?? 20;
    // Load the SDK now (0.5–3 s on this box), not on the first error: the first report must not wait for it.
    this.client().catch((err) => options.onError?.(err));
  }

  /** Queue a report; never throws, never blocks the caller. */
  capture(error: unknown, context: ReportContext): void {
    if (this.pending.size >= this.maxInFlight) return;
    const p = this.send(error, context)
      .catch((err) => this.options.onError?.(err))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Wait (bounded) for the reports in flight: on shutdown. */
  async flush(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private client(): Promise<{ client: NodeClient; scope: Scope }> {
    this.sdk ??= import('@sentry/node').then((Sentry) => {
      const { envelopeUrl, publicKey } = this.dsn;
      const timeoutMs = this.options.timeoutMs ?? 3000;
      const transport = (transportOptions: Parameters<typeof Sentry.createTransport>[0]) =>
        Sentry.createTransport({ ...transportOptions, bufferSize: this.maxInFlight }, async (request) => {
          // The SDK's own transports put the key in the query string and go through node:http (which our tracing
          // instruments); this one posts with the auth header and is invisible to the traces.
          const res = await fetch(envelopeUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-sentry-envelope',
              'x-sentry-auth': `Sentry sentry_version=7, sentry_client=primetrade-tasks/1.0, sentry_key=${publicKey}`,
            },
            body: request.body,
            signal: AbortSignal.timeout(timeoutMs),
          });
          await res.arrayBuffer().catch(() => undefined);
          if (!res.ok) throw new Error(`error report rejected with HTTP ${res.status}`);
          return {
            statusCode: res.status,
            headers: {
              'x-sentry-rate-limits': res.headers.get('x-sentry-rate-limits'),
              'retry-after': res.headers.get('retry-after'),
            },
          };
        });
      const client = new Sentry.NodeClient({
        dsn: this.options.dsn,
        release: this.options.release,
        environment: this.options.environment,
        transport,
        stackParser: Sentry.defaultStackParser,
        integrations: [],
        enableOpenTelemetrySetup: false,
        // Collect nothing on the SDK's own initiative (no integration would, but the option says it outright).
        dataCollection: {
          userInfo: false,
          cookies: false,
          httpHeaders: false,
          httpBodies: [],
          urlQueryParams: false,
          databaseQueryData: false,
          queues: false,
          stackFrameVariables: false,
          frameContextLines: 0,
        },
        includeServerName: false,
        sendClientReports: false,
        enableRuntimeChannelInjection: false,
        maxBreadcrumbs: 0,
        tracesSampleRate: undefined,
        beforeSend: (event) => strip(event, this.options.serviceName),
      });
      const scope = new Sentry.Scope();
      scope.setClient(client);
      client.init();
      return { client, scope };
    });
    return this.sdk;
  }

  private async send(error: unknown, context: ReportContext): Promise<void> {
    const err = error instanceof Error ? error : new Error(typeof error === 'string' ? error : 'Non-error thrown');
    const { client, scope: base } = await this.client();
    const scope = base.clone();
    const tags: Record<string, string> = { mechanism: context.mechanism, service: this.options.serviceName };
    if (context.requestId) tags.request_id = context.requestId;
    if (context.route) tags.route = context.route;
    if (context.method) tags.method = context.method;
    if (context.status) tags.status = String(context.status);
    scope.setTags(tags);
    if (context.route) scope.setTransactionName(`${context.method ?? ''} ${context.route}`.trim());
    const eventId = scope.captureException(err, {
      data: { mechanism: { type: context.mechanism, handled: context.mechanism === 'http' } },
    });
    // The SDK queues the event; wait until its transport is done with it (it never rejects, so ask the outcome).
    const sent = await client.flush(this.options.timeoutMs ?? 3000);
    if (!sent) throw new Error(`error report ${eventId} not sent in time`);
  }
}
