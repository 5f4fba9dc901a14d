import { getRouteApi, Link } from '@tanstack/react-router';
import { WebhooksPage } from '../../features/webhooks/components/webhooks-page';
import { useT } from '../../lib/i18n';

const routeApi = getRouteApi('/app/projects/$projectId/webhooks');

/** A project's webhooks page (reached from the project's settings dialog, owners only). */
export function WebhooksRoute() {
  const { projectId } = routeApi.useParams();
  const t = useT('webhooks');
  return (
    <WebhooksPage
      key={projectId}
      projectId={projectId}
      back={
        <Link
          to="/projects/$projectId"
          params={{ projectId }}
          className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300"
        >
          ← {t('back')}
        </Link>
      }
    />
  );
}
