import { Button } from '../../../components/ui/button';
import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { deviceLabel } from '../../../lib/device-label';
import { formatDateTime } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useSessions } from '../api/list-sessions';
import { useLogoutAll } from '../api/logout-all';
import { useRevokeSession } from '../api/revoke-session';

export function Sessions({ onSignedOut }: { onSignedOut: () => void }) {
  const t = useT('profile');
  const toast = useToast();
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const logoutAll = useLogoutAll();
  if (sessions.isPending) return <Spinner label={t('sessions.loading')} />;
  if (sessions.isError) return <FormError message={errorMessage(sessions.error)} />;
  return (
    <div className="space-y-4">
      <ul className="divide-y divide-slate-200 dark:divide-slate-700" aria-label={t('sessions.list')}>
        {sessions.data.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
            <div className="min-w-0">
              <p className="truncate font-medium" title={s.userAgent ?? undefined}>
                {deviceLabel(s.userAgent)}
                {s.current ? (
                  <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">
                    {t('sessions.thisDevice')}
                  </span>
                ) : null}
              </p>
              <p className="text-xs text-slate-600 dark:text-slate-300">
                {t('sessions.details', {
                  ip: s.ip ?? t('sessions.unknownAddress'),
                  signedIn: formatDateTime(s.createdAt),
                  lastUsed: formatDateTime(s.lastUsedAt),
                })}
              </p>
            </div>
            {s.current ? null : (
              <Button
                size="sm"
                variant="secondary"
                busy={revoke.isPending && revoke.variables === s.id}
                onClick={() =>
                  revoke.mutate(s.id, {
                    onSuccess: () => toast(t('sessions.revoked'), 'success'),
                    onError: (e) => toast(errorMessage(e), 'error'),
                  })
                }
              >
                {t('sessions.revoke')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      <Button
        variant="danger"
        busy={logoutAll.isPending}
        onClick={() =>
          logoutAll.mutate(undefined, { onSuccess: onSignedOut, onError: (e) => toast(errorMessage(e), 'error') })
        }
      >
        {t('sessions.logoutAll')}
      </Button>
    </div>
  );
}
