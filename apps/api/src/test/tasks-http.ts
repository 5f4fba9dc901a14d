/** Helpers of the tasks integration suites: a context whose rate limits no suite meets, a first user, POST /tasks. */
import { createTestContext, type Driver, RATE_LIMITS_OFF, type TestContext } from './context';
import { createUser, type TestUser } from './factories';

export const TASKS_URL = '/api/v1/tasks';

/** A context with the rate limits out of the way (the creation-limit test builds its own). */
export function createTasksContext(driver: Driver): Promise<TestContext> {
  return createTestContext(driver, { config: { rateLimit: RATE_LIMITS_OFF } });
}

/** POST /tasks as `user`; `headers` add to (or replace) the user's (e.g. a content type, an Idempotency-Key). */
export function postTask(ctx: TestContext, user: TestUser, payload: unknown, headers: Record<string, string> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: TASKS_URL,
    headers: { ...user.headers, ...headers },
    payload: payload as object,
  });
}

/** POST /tasks/import as `user`: the body sent as `type` when given (e.g. text/csv), JSON otherwise. */
export function importTasks(ctx: TestContext, user: TestUser, payload: unknown, type?: string) {
  return ctx.app.inject({
    method: 'POST',
    url: `${TASKS_URL}/import`,
    headers: type ? { ...user.headers, 'content-type': type } : user.headers,
    payload: payload as object,
  });
}

export type PostTask = (
  user: TestUser,
  payload: unknown,
  headers?: Record<string, string>,
) => ReturnType<typeof postTask>;

/** The usual suite: a context (createTasksContext), a first user and POST /tasks bound to that context. */
export async function openTasksSuite(driver: Driver): Promise<{ ctx: TestContext; alice: TestUser; post: PostTask }> {
  const ctx = await createTasksContext(driver);
  try {
    const alice = await createUser(ctx.platform);
    return { ctx, alice, post: (user, payload, headers) => postTask(ctx, user, payload, headers) };
  } catch (err) {
    await ctx.close();
    throw err;
  }
}
