import { useCallback } from 'react';
import { useT } from '../../lib/i18n';
import { useOnline, usePendingWrites, useReplaying, useReplayOutcomes } from '../../lib/offline';
import type { ReplayOutcome } from '../../lib/offline/types';
import { useToast } from './toast';

/**
 * The header's word on the offline state: "Offline" without a network, "N changes waiting" while writes sit in
 * the queue, "Syncing…" while they are sent. A write the server refuses on replay is reported in a toast.
 */
export function OfflineStatus() {
  const t = useT('common');
  const online = useOnline();
  const waiting = usePendingWrites().filter((e) => e.state === 'queued').length;
  const syncing = useReplaying();
  const toast = useToast();
  const onOutcome = useCallback(
    (o: ReplayOutcome) => {
      if (o.type === 'rejected') toast(t('offline.rejected', { message: o.message }), 'error');
    },
    [toast, t],
  );
  useReplayOutcomes(onOutcome);
  if (online && waiting === 0) return null;
  return (
    <output
      aria-live="polite"
      data-testid="offline-status"
      className="inline-flex items-center gap-2 rounded-full bg-amber-100 px-3 py-1 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100"
    >
      {online ? null : <span>{t('offline.offline')}</span>}
      {online || waiting === 0 ? null : <span aria-hidden="true">·</span>}
      {waiting > 0 ? (
        <span data-testid="pending-count">
          {syncing && online ? `${t('offline.syncing')} ` : ''}
          {t('offline.waiting', { count: waiting })}
        </span>
      ) : null}
    </output>
  );
}
