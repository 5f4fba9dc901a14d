// Violation: infra/ imports a plugin.
import { rateLimitPlugin } from '../plugins/rate-limit';

export const opsLimit = rateLimitPlugin;
