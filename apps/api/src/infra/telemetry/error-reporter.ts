/**
 * A small Sentry-protocol error reporter, on only when SENTRY_DSN is set: each report is one envelope POSTed to
 * the DSN's envelope endpoint (Sentry, GlitchTip and other compatible servers accept it). It sends the error's
 * type, message (credentials and tokens masked) and stack, the request id, method, route pattern and status, the
 * release and environment — never headers, cookies, bodies, query strings or user data.
 *
 * Why not @sentry/node: its current major needs OpenTelemetry's newer line and import hooks (Node ≥ 22 for the
 * instrumentation we pin), and we need only "send this error"; this is ~100 lines with no dependency.
 */
import { randomUUID } from 'node:crypto';

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

const FRAME_RE = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

function frames(stack: string | undefined) {
  if (!stack) return undefined;
  const out = stack
    .split('\n')
    .slice(1)
    .map((line) => FRAME_RE.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      function: m[1] ?? '<anonymous>',
      filename: scrub(m[2] ?? ''),
      lineno: Number(m[3]),
      colno: Number(m[4]),
      in_app: !(m[2] ?? '').includes('node_modules') && !(m[2] ?? '').startsWith('node:'),
    }))
    .reverse(); // Sentry wants the innermost frame last.
  return out.length ? { frames: out } : undefined;
}

export class ErrorReporter {
  private readonly dsn: ParsedDsn;
  private readonly pending = new Set<Promise<void>>();
  private readonly maxInFlight: number;

  constructor(private readonly options: ReporterOptions) {
    this.dsn = parseDsn(options.dsn);
    this.maxInFlight = options.maxInFlight ?? 20;
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

  private async send(error: unknown, context: ReportContext): Promise<void> {
    const err = error instanceof Error ? error : new Error(typeof error === 'string' ? error : 'Non-error thrown');
    const eventId = randomUUID().replaceAll('-', '');
    const tags: Record<string, string> = { mechanism: context.mechanism, service: this.options.serviceName };
    if (context.requestId) tags.request_id = context.requestId;
    if (context.route) tags.route = context.route;
    if (context.method) tags.method = context.method;
    if (context.status) tags.status = String(context.status);
    const event = {
      event_id: eventId,
      timestamp: Date.now() / 1000,
      platform: 'node',
      level: 'error',
      logger: this.options.serviceName,
      release: this.options.release,
      environment: this.options.environment,
      tags,
      exception: {
        values: [
          {
            type: err.name || 'Error',
            value: scrub(err.message),
            mechanism: { type: context.mechanism, handled: context.mechanism === 'http' },
            stacktrace: frames(err.stack),
          },
        ],
      },
      ...(context.route ? { transaction: `${context.method ?? ''} ${context.route}`.trim() } : {}),
    };
    const body = `${JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() })}\n${JSON.stringify({
      type: 'event',
    })}\n${JSON.stringify(event)}\n`;
    const res = await fetch(this.dsn.envelopeUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-sentry-envelope',
        'x-sentry-auth': `Sentry sentry_version=7, sentry_client=primetrade-tasks/1.0, sentry_key=${this.dsn.publicKey}`,
      },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`error report rejected with HTTP ${res.status}`);
  }
}
