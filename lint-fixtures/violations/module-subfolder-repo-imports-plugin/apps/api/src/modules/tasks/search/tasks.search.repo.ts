// Violation: a repository in a module's sub-folder imports a plugin.
import type { RateLimitPluginOptions } from '../../../plugins/rate-limit';

export const searchLimit = (options: RateLimitPluginOptions) => options.max;
