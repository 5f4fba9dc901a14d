import { taskTitle } from '@primetrade/shared';

export async function getJson(path: string) {
  const response = await fetch(path);
  return { title: taskTitle.parse('x'), body: await response.json() };
}
