import { getRouteApi } from '@tanstack/react-router';
import { useCallback } from 'react';
import { TasksPage } from '../../features/tasks/components/tasks-page';
import { type TaskSearch, toApiQuery } from '../../features/tasks/search';
import { SaveViewButton } from '../../features/views/components/save-view-button';

const routeApi = getRouteApi('/app/tasks');

export function TasksRoute() {
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const onSearchChange = useCallback(
    (patch: Partial<TaskSearch>) => void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true }),
    [navigate],
  );
  // "Save view" keeps the list's API query (filters and sort), the form a saved view stores.
  return (
    <TasksPage
      search={search}
      onSearchChange={onSearchChange}
      toolbar={<SaveViewButton query={toApiQuery(search)} />}
    />
  );
}
