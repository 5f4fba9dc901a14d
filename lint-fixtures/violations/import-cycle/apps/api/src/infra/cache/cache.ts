import { createTieredCache } from './tiered';

export function createCache() {
  return new Map<string, string>();
}

// Violation: tiered.ts imports this file, and this file imports tiered.ts.
export const createDefaultCache = () => createTieredCache().near;
