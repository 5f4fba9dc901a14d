// Violation: a module imports a plugin (tasks.writes.ts -> plugins/rate-limit before the helpers moved to
// infra/rate-limit.ts).
import type { RateLimitPluginOptions } from '../../plugins/rate-limit';

export const createLimit = (options: RateLimitPluginOptions) => options.max;
