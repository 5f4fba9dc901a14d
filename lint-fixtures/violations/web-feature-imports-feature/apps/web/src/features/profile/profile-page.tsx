// Violation: one feature imports another.
import { TaskPage } from '../tasks/task-page';

export function ProfilePage() {
  return <TaskPage />;
}
