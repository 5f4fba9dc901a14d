import { useT } from '../../lib/i18n';

/** A busy indicator (role=status) with its words: `label`, or "Loading" in the UI language. */
export function Spinner({ label }: { label?: string }) {
  const t = useT('common');
  return (
    <div
      role="status"
      className="flex items-center justify-center gap-2 p-6 text-sm text-slate-500 dark:text-slate-400"
    >
      <span className="size-4 animate-spin rounded-full border-2 border-indigo-600 border-t-transparent" />
      <span>{label ?? t('spinner')}…</span>
    </div>
  );
}
