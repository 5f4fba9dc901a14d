/**
 * The pino mixin that puts the active trace and span ids in every log line. Only @opentelemetry/api is imported
 * here (a no-op without an SDK); the mixin is installed only once tracing has started, so logging costs nothing
 * extra when tracing is off. It lives in lib (not infra/telemetry) so the logger depends on nothing above it:
 * infra/telemetry/tracing.ts turns it on.
 */
import { trace } from '@opentelemetry/api';

let enabled = false;

export function enableTraceLogging(): void {
  enabled = true;
}

function traceMixin(): Record<string, string> {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx ? { traceId: ctx.traceId, spanId: ctx.spanId } : {};
}

/** The mixin for pino's options while tracing runs, else undefined. */
export function logMixin(): (() => Record<string, string>) | undefined {
  return enabled ? traceMixin : undefined;
}
