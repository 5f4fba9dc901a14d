// Violation: infra/db imports a module.
import type { TasksService } from '../../modules/tasks';

export const routeRead = (tasks: TasksService) => tasks.list({});
