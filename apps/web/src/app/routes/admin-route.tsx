import { Spinner } from '../../components/ui/spinner';
import { AdminPage } from '../../features/admin/components/admin-page';
import { useMe } from '../../lib/session';

export function AdminRoute() {
  const me = useMe().data;
  if (!me) return <Spinner />;
  return <AdminPage me={me} />;
}
