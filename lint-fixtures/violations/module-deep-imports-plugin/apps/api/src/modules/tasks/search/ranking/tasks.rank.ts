// Violation: a module file two folders down (no depth-specific override matches it) imports a plugin.
import type { RateLimitPluginOptions } from '../../../../plugins/rate-limit';

export const rankLimit = (options: RateLimitPluginOptions) => options.max;
