import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { Button } from '../components/ui/button';
import { ThemeSwitch } from '../components/ui/theme-switch';
import { useToast } from '../components/ui/toast';
import { useLogout } from '../features/auth/api/logout';
import { useResendVerification } from '../features/auth/api/verify-email';
import { onSessionLost } from '../lib/api-client';
import { errorMessage } from '../lib/api-error';
import { endLocalSession, useMe } from '../lib/session';
import { refreshIfDue } from '../lib/session-refresh';
import { KeyboardLayer } from './keyboard';
import { useRealtime } from './realtime';

const navLink =
  'rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 data-[status=active]:bg-indigo-50 data-[status=active]:text-indigo-700 dark:text-slate-200 dark:hover:bg-slate-800 dark:data-[status=active]:bg-indigo-950 dark:data-[status=active]:text-indigo-300';

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
  return (
    <div className="bg-indigo-50 px-4 py-2 text-center text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100">
      Please verify your email address.{' '}
      <button
        type="button"
        className="font-medium underline disabled:opacity-50"
        disabled={resend.isPending || resend.isSuccess}
        onClick={() =>
          resend.mutate(undefined, {
            onSuccess: () => toast('Verification email sent', 'success'),
            onError: (e) => toast(errorMessage(e), 'error'),
          })
        }
      >
        {resend.isSuccess ? 'Sent' : 'Resend the link'}
      </button>
    </div>
  );
}

export function AppShell() {
  const me = useMe().data;
  const navigate = useNavigate();
  const logout = useLogout();
  useProactiveRefresh();
  useSessionLost();
  useRealtime(Boolean(me));

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-slate-900"
      >
        Skip to content
      </a>
      {me && !me.emailVerified ? <VerifyBanner /> : null}
      <header className="border-b border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-2 px-4 py-3">
          <Link to="/dashboard" className="mr-4 font-semibold text-indigo-700 dark:text-indigo-300">
            Primetrade Tasks
          </Link>
          <nav aria-label="Main" className="flex gap-1">
            <Link to="/dashboard" className={navLink}>
              Dashboard
            </Link>
            <Link to="/tasks" className={navLink}>
              Tasks
            </Link>
            <Link to="/profile" className={navLink}>
              Profile
            </Link>
            {me?.role === 'admin' ? (
              <Link to="/admin" className={navLink}>
                Admin
              </Link>
            ) : null}
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <ThemeSwitch />
            <span className="hidden text-sm text-slate-600 sm:inline dark:text-slate-300" data-testid="user-name">
              {me?.name}
            </span>
            <Button
              variant="secondary"
              size="sm"
              busy={logout.isPending}
              onClick={() => logout.mutate(undefined, { onSettled: () => void navigate({ to: '/login' }) })}
            >
              Log out
            </Button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
      <KeyboardLayer />
    </div>
  );
}
