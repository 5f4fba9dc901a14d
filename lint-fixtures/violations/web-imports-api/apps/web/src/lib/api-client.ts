import { taskTitle } from '@primetrade/shared';
// Violation: the web app imports a file of the API app.
import type { TasksService } from '../../../api/src/modules/tasks';

export async function getJson(path: string): Promise<{ title: string; body: ReturnType<TasksService['list']> }> {
  const response = await fetch(path);
  return { title: taskTitle.parse('x'), body: await response.json() };
}
