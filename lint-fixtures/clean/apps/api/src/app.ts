import { composeModules } from './composition';
import { createPlatform } from './platform';
import { rateLimitPlugin } from './plugins/rate-limit';

export function buildApp(url: string) {
  const platform = createPlatform(url);
  return {
    platform,
    modules: composeModules(platform),
    onRequest: rateLimitPlugin({ store: platform.limits, max: 100 }),
  };
}
