// Violation: infra/ imports the platform that builds it.
import type { Platform } from '../platform';

export const cacheOf = (platform: Platform) => platform.cache;
