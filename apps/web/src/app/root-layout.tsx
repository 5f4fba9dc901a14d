import { onlineManager } from '@tanstack/react-query';
import { type ErrorComponentProps, Link, Outlet } from '@tanstack/react-router';
import { useSyncExternalStore } from 'react';
import { errorMessage } from '../lib/api-error';
import { useT } from '../lib/i18n';

function useOnline() {
  return useSyncExternalStore(
    (cb) => onlineManager.subscribe(cb),
    () => onlineManager.isOnline(),
    () => true,
  );
}

/**
 * Shown while the browser is offline; queries refetch by themselves when the network returns, and task changes
 * wait in the offline queue (lib/offline) until then.
 */
export function OfflineBanner() {
  const t = useT('shell');
  const online = useOnline();
  if (online) return null;
  return (
    <div
      role="status"
      className="sticky top-0 z-50 bg-amber-500 px-4 py-2 text-center text-sm font-medium text-amber-950"
    >
      {t('offlineBanner')}
    </div>
  );
}

export function RootLayout() {
  return (
    <>
      <OfflineBanner />
      <Outlet />
    </>
  );
}

export function NotFound() {
  const t = useT('shell');
  return (
    <main className="mx-auto max-w-md p-10 text-center">
      <h1 className="text-2xl font-semibold">{t('notFound.title')}</h1>
      <Link to="/dashboard" className="mt-4 inline-block text-indigo-700 hover:underline dark:text-indigo-300">
        {t('notFound.link')}
      </Link>
    </main>
  );
}

export function RouteError({ error, reset }: ErrorComponentProps) {
  const t = useT('shell');
  return (
    <main className="mx-auto max-w-md p-10 text-center" role="alert">
      <h1 className="text-2xl font-semibold">{t('routeError.title')}</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{errorMessage(error)}</p>
      <button type="button" onClick={reset} className="mt-4 text-indigo-700 hover:underline dark:text-indigo-300">
        {t('routeError.retry')}
      </button>
    </main>
  );
}
