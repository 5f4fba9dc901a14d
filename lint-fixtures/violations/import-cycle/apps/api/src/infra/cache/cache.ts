import { buildApp } from '../../app';

export function createCache() {
  return new Map<string, string>();
}

// Violation: app.ts imports this file, and this file imports app.ts.
export const rebuild = () => buildApp('memory://');
