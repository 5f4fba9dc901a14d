/**
 * /invitations?token=… — the link an invitation mail carries. Signed out: sign in or create an account (with the
 * invited address) and come back here. Signed in: Accept, then the project opens. A refusal says why in words.
 */
import type { Project } from '@primetrade/shared';
import { Button } from '../../../components/ui/button';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { translate, useT } from '../../../lib/i18n';
import { useMe } from '../../../lib/session';
import { useAcceptInvitation } from '../api/projects';

/** What a refused acceptance means for the person holding the link. */
export function invitationError(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 403) return translate('projects', 'invitation.wrongEmail');
    if (e.status === 400 || e.status === 404 || e.status === 410) return translate('projects', 'invitation.unusable');
  }
  return errorMessage(e);
}

const shell = (title: string, body: React.ReactNode) => (
  <main id="main" className="flex min-h-screen items-center justify-center px-4 py-12">
    <div className="w-full max-w-md rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
      <p className="mb-2 text-sm font-semibold tracking-wide text-indigo-700 dark:text-indigo-300">Primetrade Tasks</p>
      <h1 className="mb-4 text-xl font-semibold">{title}</h1>
      {body}
    </div>
  </main>
);

const linkClass =
  'inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600';

export function InvitationPage({
  token,
  here,
  onAccepted,
}: {
  token: string;
  /** This page's own address, to come back to after signing in or up. */
  here: string;
  onAccepted: (project: Project) => void;
}) {
  const t = useT('projects');
  const me = useMe();
  const accept = useAcceptInvitation();
  if (!token)
    return shell(
      t('invitation.title'),
      <p role="alert" className="text-sm text-red-700 dark:text-red-300">
        {t('invitation.noToken')}
      </p>,
    );
  if (me.isPending) return shell(t('invitation.title'), <Spinner />);
  if (!me.data) {
    const back = encodeURIComponent(here);
    return shell(
      t('invitation.invited'),
      <div className="space-y-4 text-sm">
        <p>{t('invitation.signInFirst')}</p>
        <div className="flex flex-wrap gap-2">
          <a href={`/login?redirect=${back}`} className={`${linkClass} bg-indigo-600 text-white hover:bg-indigo-700`}>
            {t('invitation.signIn')}
          </a>
          <a
            href={`/register?redirect=${back}`}
            className={`${linkClass} bg-white text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-600`}
          >
            {t('invitation.createAccount')}
          </a>
        </div>
      </div>,
    );
  }
  return shell(
    t('invitation.invited'),
    <div className="space-y-4 text-sm">
      <p>
        {t('invitation.signedInAs')} <strong>{me.data.email}</strong>. {t('invitation.acceptHint')}
      </p>
      {accept.isError ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-red-800 dark:bg-red-950 dark:text-red-200">
          {invitationError(accept.error)}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <Button
          busy={accept.isPending}
          disabled={accept.isSuccess}
          onClick={() => accept.mutate(token, { onSuccess: (project) => onAccepted(project) })}
        >
          {t('invitation.accept')}
        </Button>
        <a
          href="/dashboard"
          className={`${linkClass} text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800`}
        >
          {t('invitation.notNow')}
        </a>
      </div>
    </div>,
  );
}
