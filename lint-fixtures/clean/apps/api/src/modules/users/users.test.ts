import { expect, it } from 'vitest';
import { users } from '../../infra/db/schema';
import { testContext } from '../../test/context';
import { createTasksService } from '../tasks/tasks.service';

it('reads through the real service', () => {
  const ctx = testContext();
  const service = createTasksService(ctx.repo, { now: () => new Date(0) });
  expect(service.list({}).items).toEqual([]);
  expect(users.name).toBe('users');
});
