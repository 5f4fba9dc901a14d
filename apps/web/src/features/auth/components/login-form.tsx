import { loginBody } from '@primetrade/shared';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { useSchemaForm } from '../../../lib/form';
import { useProviders } from '../api/list-providers';
import { useLogin } from '../api/login';
import { AuthCard } from './auth-card';

const OIDC_ERRORS: Record<string, string> = {
  oidc_email_unverified: 'The provider has not verified your email address, so it cannot be linked to an account.',
  oidc_account_disabled: 'This account is disabled.',
};

function oidcError(): string | null {
  const code = new URLSearchParams(window.location.search).get('error');
  if (!code?.startsWith('oidc_')) return null;
  return OIDC_ERRORS[code] ?? 'Signing in with the external provider did not work. Please try again.';
}

/** Why this tab was sent here, when the app sent it (its session ended under it). */
function endedNotice(): string | null {
  return new URLSearchParams(window.location.search).get('reason') === 'session-ended'
    ? 'You were signed out: this session was ended from another device or by a password change, or it expired. Sign in again to continue where you were.'
    : null;
}

export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const mutation = useLogin();
  const providers = useProviders();
  const [externalError] = useState(oidcError);
  const [ended] = useState(endedNotice);
  const { errors, onSubmit, onChange } = useSchemaForm(loginBody, ['email', 'password'], (data) =>
    mutation.mutate(data, { onSuccess: onSignedIn }),
  );

  return (
    <AuthCard
      title="Sign in"
      footer={
        <>
          New here?{' '}
          <Link to="/register" className="font-medium text-indigo-600 hover:underline dark:text-indigo-300">
            Create an account
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
            {ended}
          </p>
        ) : null}
        <FormError message={mutation.error ? errorMessage(mutation.error) : externalError} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <Button type="submit" className="w-full" busy={mutation.isPending}>
          Sign in
        </Button>
        {providers.data && providers.data.length > 0 ? (
          <div className="space-y-2 border-t border-slate-200 pt-4 dark:border-slate-700">
            {providers.data.map((p) => (
              <a
                key={p.id}
                href={p.startUrl}
                className="block w-full rounded-md border border-slate-300 px-4 py-2 text-center text-sm font-medium hover:bg-slate-50 dark:border-slate-600 dark:hover:bg-slate-800"
              >
                Continue with {p.name}
              </a>
            ))}
          </div>
        ) : null}
        <p className="text-center text-sm">
          <Link to="/forgot-password" className="text-indigo-600 hover:underline dark:text-indigo-300">
            Forgot your password?
          </Link>
        </p>
      </form>
    </AuthCard>
  );
}
