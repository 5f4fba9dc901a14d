import type { LoggerOptions } from 'pino';
import { logMixin } from './log-context';

/** pino options: JSON lines, UTC ISO timestamps, secrets redacted wherever they could appear. */
export function loggerOptions(level: string): LoggerOptions {
  // With tracing on, every line carries the active traceId/spanId.
  const mixin = logMixin();
  return {
    ...(mixin ? { mixin } : {}),
    level,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.currentPassword',
        '*.newPassword',
        '*.token',
        '*.refreshToken',
        '*.accessToken',
      ],
      censor: '[redacted]',
    },
    formatters: { level: (label) => ({ level: label }) },
  };
}
