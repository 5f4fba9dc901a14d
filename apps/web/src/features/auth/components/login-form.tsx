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

export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const mutation = useLogin();
  const providers = useProviders();
  const [externalError] = useState(oidcError);
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
