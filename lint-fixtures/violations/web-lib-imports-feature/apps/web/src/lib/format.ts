// Violation: src/lib imports a feature.
import { TaskPage } from '../features/tasks/task-page';

export const pageName = TaskPage.name;
