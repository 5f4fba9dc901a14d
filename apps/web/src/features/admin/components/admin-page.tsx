import type { User } from '@primetrade/shared';
import { JobsPanel, StatsPanel } from './overview';
import { NotAllowed } from './not-allowed';
import { UsersPanel } from './users-panel';

/** /admin: users, stats and background jobs, for administrators; everyone else is told it is not allowed. */
export function AdminPage({ me }: { me: User }) {
  if (me.role !== 'admin') return <NotAllowed />;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Admin</h1>
      <StatsPanel />
      <UsersPanel me={me} />
      <JobsPanel />
    </div>
  );
}
