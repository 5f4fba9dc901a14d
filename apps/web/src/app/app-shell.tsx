import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { LanguageSelect } from '../components/ui/language-select';
import { MailDeliveryNote } from '../components/mail-delivery-note';
import { Button } from '../components/ui/button';
import { OfflineStatus } from '../components/ui/offline-status';
import { ThemeSwitch } from '../components/ui/theme-switch';
import { useToast } from '../components/ui/toast';
import { useLogout } from '../features/auth/api/logout';
import { useResendVerification } from '../features/auth/api/verify-email';
import { onSessionLost } from '../lib/api-client';
import { errorMessage } from '../lib/api-error';
import { useT } from '../lib/i18n';
import { endLocalSession, useMe } from '../lib/session';
import { refreshIfDue } from '../lib/session-refresh';
import { KeyboardLayer } from './keyboard';
import { ListsSidebar, NavDrawer } from './nav-drawer';
import { useRealtime } from './realtime';

const navLink =
  'rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 data-[status=active]:bg-indigo-50 data-[status=active]:text-indigo-700 dark:text-slate-200 dark:hover:bg-slate-800 dark:data-[status=active]:bg-indigo-950 dark:data-[status=active]:text-indigo-300';

/** The pages: in the header from `md` up, in the menu drawer on a phone. */
function MainLinks({ admin, onNavigate }: { admin: boolean; onNavigate?: () => void }) {
  const t = useT('shell');
  return (
    <>
      <Link to="/dashboard" className={navLink} onClick={onNavigate}>
        {t('nav.dashboard')}
      </Link>
      <Link to="/tasks" className={navLink} onClick={onNavigate}>
        {t('nav.tasks')}
      </Link>
      <Link to="/calendar" className={navLink} onClick={onNavigate}>
        {t('nav.calendar')}
      </Link>
      <Link to="/profile" className={navLink} onClick={onNavigate}>
        {t('nav.profile')}
      </Link>
      {admin ? (
        <Link to="/admin" className={navLink} onClick={onNavigate}>
          {t('nav.admin')}
        </Link>
      ) : null}
    </>
  );
}

/** Proactive refresh before the access token expires (the lock in session-refresh serialises tabs). */
function useProactiveRefresh() {
  useEffect(() => {
    const tick = () => void refreshIfDue();
    tick();
    const timer = setInterval(tick, 60_000);
    const onVisible = () => document.visibilityState === 'visible' && tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
}

/** When a refresh fails the session is gone: back to the login page, then back here. */
function useSessionLost() {
  const qc = useQueryClient();
  const router = useRouter();
  useEffect(
    () =>
      onSessionLost(() => {
        // The next account signed in in this tab must never see this one's cached lists.
        endLocalSession(qc);
        void router.navigate({
          to: '/login',
          search: { redirect: router.state.location.href, reason: 'session-ended' },
        });
      }),
    [qc, router],
  );
}

function VerifyBanner() {
  const toast = useToast();
  const resend = useResendVerification();
  const t = useT('shell');
  return (
    <div className="bg-indigo-50 px-4 py-2 text-center text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100">
      {t('verify.text')}{' '}
      <button
        type="button"
        className="font-medium underline disabled:opacity-50"
        disabled={resend.isPending || resend.isSuccess}
        onClick={() =>
          resend.mutate(undefined, {
            onSuccess: () => toast(t('verify.sent'), 'success'),
            onError: (e) => toast(errorMessage(e), 'error'),
          })
        }
      >
        {resend.isSuccess ? t('verify.sentShort') : t('verify.resend')}
      </button>
      <MailDeliveryNote className="mt-1 text-indigo-900 dark:text-indigo-100" />
    </div>
  );
}

export function AppShell() {
  const me = useMe().data;
  const navigate = useNavigate();
  const logout = useLogout();
  const t = useT('shell');
  useProactiveRefresh();
  useSessionLost();
  useRealtime(Boolean(me));

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-slate-900"
      >
        {t('skip')}
      </a>
      {me && !me.emailVerified ? <VerifyBanner /> : null}
      <header className="border-b border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-2 px-4 py-2 md:py-3">
          <NavDrawer
            pages={(close) => (
              <nav aria-label={t('nav.main')} className="flex flex-col gap-1">
                <MainLinks admin={me?.role === 'admin'} onNavigate={close} />
              </nav>
            )}
            footer={(close) => (
              <div className="flex flex-col gap-2">
                <LanguageSelect className="sm:hidden" />
                <ThemeSwitch className="sm:hidden" />
                <Button
                  variant="secondary"
                  className="w-full"
                  busy={logout.isPending}
                  onClick={() => {
                    close();
                    logout.mutate(undefined, { onSettled: () => void navigate({ to: '/login' }) });
                  }}
                >
                  {t('logout')}
                </Button>
              </div>
            )}
          />
          <Link to="/dashboard" className="mr-4 font-semibold text-indigo-700 dark:text-indigo-300">
            Primetrade Tasks
          </Link>
          <nav aria-label={t('nav.main')} className="hidden gap-1 md:flex">
            <MainLinks admin={me?.role === 'admin'} />
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <OfflineStatus />
            <LanguageSelect className="max-sm:hidden" />
            <ThemeSwitch className="max-sm:hidden" />
            <span className="hidden text-sm text-slate-600 sm:inline dark:text-slate-300" data-testid="user-name">
              {me?.name}
            </span>
            <Button
              variant="secondary"
              size="sm"
              className="max-md:hidden"
              busy={logout.isPending}
              onClick={() => logout.mutate(undefined, { onSettled: () => void navigate({ to: '/login' }) })}
            >
              {t('logout')}
            </Button>
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-6xl gap-6 px-4 py-4 md:py-6">
        <ListsSidebar />
        <main id="main" className="min-w-0 flex-1">
          <Outlet />
        </main>
      </div>
      <KeyboardLayer />
    </div>
  );
}
