import { rateLimited } from '../lib/errors';

export interface RateLimitStore {
  incr(key: string): number;
}

export function enforce(store: RateLimitStore, key: string, max: number): void {
  if (store.incr(key) > max) throw rateLimited(60);
}
