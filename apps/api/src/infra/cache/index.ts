export { type Cache, MemoryCache } from './cache';
