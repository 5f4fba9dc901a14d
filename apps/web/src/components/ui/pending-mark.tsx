import { useT } from '../../lib/i18n';
import { usePendingWrites } from '../../lib/offline';

/**
 * "Waiting to sync" on a resource with a write in the offline queue (a conflict says so instead). Reads the
 * queue itself, so the row around it need not re-render when the queue changes.
 */
export function PendingMark({ collection, id }: { collection: string; id: string }) {
  const t = useT('common');
  const entry = usePendingWrites().find((e) => e.collection === collection && e.resourceId === id);
  if (!entry) return null;
  if (entry.state === 'conflict') {
    return (
      <span
        className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-900 dark:text-red-100"
        data-testid="pending-mark"
        data-state="conflict"
      >
        {t('pending.conflict')}
      </span>
    );
  }
  return (
    <span
      className="inline-flex items-center gap-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100"
      data-testid="pending-mark"
      data-state="queued"
      title={t('pending.title')}
    >
      <svg viewBox="0 0 16 16" aria-hidden="true" className="size-3">
        <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
      {t('pending.waiting')}
    </span>
  );
}
