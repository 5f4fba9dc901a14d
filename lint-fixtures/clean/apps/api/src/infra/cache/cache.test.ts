import { expect, it } from 'vitest';
import { buildApp } from '../../app';
import { createTasksModule } from '../../modules/tasks';
import { createCache } from './cache';

it('tests may import any layer', () => {
  expect(createCache().size).toBe(0);
  expect(typeof buildApp).toBe('function');
  expect(typeof createTasksModule).toBe('function');
});
