import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { InvitationPage } from '../../features/projects/components/invitation-page';

const routeApi = getRouteApi('/invitations');

export function InvitationRoute() {
  const { token } = routeApi.useSearch();
  const navigate = useNavigate();
  return (
    <InvitationPage
      token={token ?? ''}
      here={`/invitations?token=${encodeURIComponent(token ?? '')}`}
      onAccepted={(p) => void navigate({ to: '/projects/$projectId', params: { projectId: p.id } })}
    />
  );
}
