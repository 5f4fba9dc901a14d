export { type Cache, MemoryCache } from './cache';
export { TieredCache } from './tiered';
