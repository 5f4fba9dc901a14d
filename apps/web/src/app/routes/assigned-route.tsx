import { AssignedPage } from '../../features/projects/components/assigned-page';

/** "Assigned to me" across every project. */
export function AssignedRoute() {
  return <AssignedPage />;
}
