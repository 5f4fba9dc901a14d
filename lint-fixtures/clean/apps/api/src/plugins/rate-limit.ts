import { type RateLimitStore, enforce } from '../infra/rate-limit';
import { AppError } from '../lib/errors';

export interface RateLimitPluginOptions {
  store: RateLimitStore;
  max: number;
}

export function rateLimitPlugin({ store, max }: RateLimitPluginOptions) {
  return (ip: string) => {
    enforce(store, `api:ip:${ip}`, max);
    return AppError.name;
  };
}
