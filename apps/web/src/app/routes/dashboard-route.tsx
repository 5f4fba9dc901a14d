import { DashboardPage } from '../../features/dashboard/components/dashboard-page';
import { useMe } from '../../lib/session';

export function DashboardRoute() {
  const me = useMe().data;
  return <DashboardPage userName={me?.name ?? ''} />;
}
