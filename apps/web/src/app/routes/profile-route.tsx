import { useNavigate } from '@tanstack/react-router';
import { ProfilePage } from '../../features/profile/components/profile-page';
import { Spinner } from '../../components/ui/spinner';
import { useMe } from '../../lib/session';

export function ProfileRoute() {
  const me = useMe().data;
  const navigate = useNavigate();
  if (!me) return <Spinner />;
  return <ProfilePage user={me} onSignedOut={() => void navigate({ to: '/login' })} />;
}
