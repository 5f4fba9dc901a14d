import type { Task } from '@primetrade/shared';
import { type FetchCall, fakeFetch, ok, problem } from './network';
import { aTask } from './render';

/**
 * A fake API for the task dialog's tests: POST /tasks answers the task it was sent; GET/PATCH /tasks/:id the one
 * task (a PATCH applied, its version bumped, the ETag sent); any other GET (projects, views) an empty list.
 */
export function fakeTaskServer(task?: Task) {
  let current = task;
  return fakeFetch(({ method, url, body }: FetchCall) => {
    if (method === 'POST' && url === '/api/v1/tasks') return ok(aTask(body as Partial<Task>), { status: 201 });
    if (current && url === `/api/v1/tasks/${current.id}`) {
      if (method === 'PATCH') current = { ...current, ...(body as Partial<Task>), version: current.version + 1 };
      return ok(current, { headers: { etag: `"v${current.version}"` } });
    }
    if (method === 'GET') return ok([]);
    return problem(404, 'NOT_FOUND', 'Not found');
  });
}
