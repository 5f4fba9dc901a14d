// Violation: lib/ imports a plugin.
import type { RateLimitPluginOptions } from '../plugins/rate-limit';

export const defaultLimit = (options: RateLimitPluginOptions) => options.max;
