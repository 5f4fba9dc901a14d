import { getRouteApi } from '@tanstack/react-router';
import { useCallback } from 'react';
import { TasksPage } from '../../features/tasks/components/tasks-page';
import type { TaskSearch } from '../../features/tasks/search';

const routeApi = getRouteApi('/app/tasks');

export function TasksRoute() {
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const onSearchChange = useCallback(
    (patch: Partial<TaskSearch>) => void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true }),
    [navigate],
  );
  return <TasksPage search={search} onSearchChange={onSearchChange} />;
}
