// Violation: lib/ imports a module (even through its entry).
import type { TasksService } from '../modules/tasks';

export function auditList(tasks: TasksService) {
  return tasks.list({}).items.length;
}
