import { TaskList } from './components/task-list';

export function TaskPage() {
  return <TaskList />;
}
