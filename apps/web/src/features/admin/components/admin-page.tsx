import type { User } from '@primetrade/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { isApiError } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { queryKeys } from '../../../lib/query-keys';
import { adminStatsQueryOptions } from '../api/get-overview';
import { AuditPanel } from './audit-panel';
import { NotAllowed } from './not-allowed';
import { JobsPanel, StatsPanel } from './overview';
import { UsersPanel } from './users-panel';

/** /admin: users, stats and background jobs, for administrators; everyone else is told it is not allowed. */
export function AdminPage({ me }: { me: User }) {
  const t = useT('admin');
  const qc = useQueryClient();
  const isAdmin = me.role === 'admin';
  // Non-admins send no admin request at all. An admin whose role was taken away meanwhile gets 403: the cached
  // `me` is stale, so read it again (the Admin link then disappears) and say so.
  const stats = useQuery({ ...adminStatsQueryOptions(), enabled: isAdmin });
  const refused = isApiError(stats.error) && stats.error.status === 403;
  useEffect(() => {
    if (refused) void qc.invalidateQueries({ queryKey: queryKeys.me });
  }, [refused, qc]);
  if (!isAdmin || refused) return <NotAllowed />;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <StatsPanel />
      <UsersPanel me={me} />
      <JobsPanel />
      <AuditPanel />
    </div>
  );
}
