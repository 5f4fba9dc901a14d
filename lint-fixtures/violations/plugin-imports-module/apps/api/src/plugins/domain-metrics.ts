// Violation: a plugin imports a module (plugins/domain-metrics.ts -> modules/reminders, one of the wrong-way
// imports of issue 12).
import type { TasksService } from '../modules/tasks';

export function countOpen(tasks: TasksService) {
  return tasks.list({}).items.length;
}
