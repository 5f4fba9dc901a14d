import { Button } from '../../../components/ui/button';
import { fetchTasks } from '../api/tasks-api';

export function TaskList() {
  return <Button label={String(fetchTasks)} />;
}
