import { expect, it } from 'vitest';
import { buildApp } from '../../app';
import { createPlatform } from '../../platform';
import { rateLimitPlugin } from '../../plugins/rate-limit';

it('tests may import the root and plugins', () => {
  const platform = createPlatform('memory://');
  expect(buildApp('memory://').modules.tasks).toBeDefined();
  expect(rateLimitPlugin({ store: platform.limits, max: 1 })('1.2.3.4')).toBe('AppError');
});
