import { createCache } from './cache';

export function createTieredCache() {
  return { near: createCache(), far: createCache() };
}
