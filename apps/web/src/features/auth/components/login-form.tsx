import { loginBody } from '@primetrade/shared';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { useSchemaForm } from '../../../lib/form';
import { useT } from '../../../lib/i18n';
import { useProviders } from '../api/list-providers';
import { useLogin } from '../api/login';
import { usePasskeySignIn } from '../api/passkey-login';
import { AuthCard } from './auth-card';
import { MfaStep, passkeyErrorMessage } from './mfa-step';
import { PasskeyButton } from './passkey-button';

/** Keys (auth namespace) of the external sign-in errors the API redirects here with. */
const OIDC_ERRORS: Record<string, string> = {
  oidc_email_unverified: 'login.oidc.emailUnverified',
  oidc_account_disabled: 'login.oidc.accountDisabled',
};

function oidcError(): string | null {
  const code = new URLSearchParams(window.location.search).get('error');
  if (!code?.startsWith('oidc_')) return null;
  return OIDC_ERRORS[code] ?? 'login.oidc.failed';
}

/** Why this tab was sent here, when the app sent it (its session ended under it). */
function endedNotice(): boolean {
  return new URLSearchParams(window.location.search).get('reason') === 'session-ended';
}

export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const mutation = useLogin();
  const passkey = usePasskeySignIn();
  const t = useT('auth');
  const providers = useProviders();
  const [externalError] = useState(oidcError);
  const [ended] = useState(endedNotice);
  // Two-factor on: the password was right, the code step comes next (no session yet).
  const [challenge, setChallenge] = useState<string | null>(null);
  const { errors, onSubmit, onChange } = useSchemaForm(loginBody, ['email', 'password'], (data) =>
    mutation.mutate(data, {
      onSuccess: (result) => ('mfaRequired' in result ? setChallenge(result.challenge) : onSignedIn()),
    }),
  );

  if (challenge) {
    return (
      <AuthCard title={t('login.mfaTitle')}>
        <MfaStep
          challenge={challenge}
          onSignedIn={onSignedIn}
          onRestart={() => {
            setChallenge(null);
            mutation.reset();
          }}
        />
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title={t('login.title')}
      footer={
        <>
          {t('login.newHere')}{' '}
          <Link to="/register" className="font-medium text-indigo-600 hover:underline dark:text-indigo-300">
            {t('login.createAccount')}
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} onChange={onChange} noValidate className="space-y-4">
        {ended && !mutation.error ? (
          <p
            role="status"
            className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-800"
          >
            {t('login.ended')}
          </p>
        ) : null}
        <FormError
          message={
            mutation.error
              ? errorMessage(mutation.error)
              : passkey.error
                ? passkeyErrorMessage(passkey.error, t)
                : externalError && t(externalError)
          }
        />
        <TextField
          label={t('login.email')}
          name="email"
          type="email"
          autoComplete="email"
          required
          error={errors.email}
        />
        <TextField
          label={t('login.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <Button type="submit" className="w-full" busy={mutation.isPending}>
          {t('login.submit')}
        </Button>
        <PasskeyButton
          passkey={passkey}
          label={t('passkey.signIn')}
          onStart={() => mutation.reset()}
          onSignedIn={onSignedIn}
        />
        {providers.data && providers.data.length > 0 ? (
          <div className="space-y-2 border-t border-slate-200 pt-4 dark:border-slate-700">
            {providers.data.map((p) => (
              <a
                key={p.id}
                href={p.startUrl}
                className="block w-full rounded-md border border-slate-300 px-4 py-2 text-center text-sm font-medium hover:bg-slate-50 dark:border-slate-600 dark:hover:bg-slate-800"
              >
                {t('login.continueWith', { name: p.name })}
              </a>
            ))}
          </div>
        ) : null}
        <p className="text-center text-sm">
          <Link to="/forgot-password" className="text-indigo-600 hover:underline dark:text-indigo-300">
            {t('login.forgot')}
          </Link>
        </p>
      </form>
    </AuthCard>
  );
}
