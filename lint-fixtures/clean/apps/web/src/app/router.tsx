import { TaskPage } from '../features/tasks/task-page';

export const routes = [{ path: '/', component: TaskPage }];
