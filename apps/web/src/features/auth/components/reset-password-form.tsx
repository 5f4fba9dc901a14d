import { resetPasswordBody } from '@primetrade/shared';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { type FieldErrors, serverFieldErrors, validate } from '../../../lib/form';
import { useResetPassword } from '../api/reset-password';
import { AuthCard } from './auth-card';

export function ResetPasswordForm({ token }: { token: string }) {
  const mutation = useResetPassword();
  const [errors, setErrors] = useState<FieldErrors>({});

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const password = form.get('password');
    if (password !== form.get('confirm')) return setErrors({ confirm: 'The passwords do not match' });
    const result = validate(resetPasswordBody, { token, password });
    if (result.errors) return setErrors(result.errors);
    setErrors({});
    mutation.mutate(result.data);
  };

  // A used, expired or unknown link is refused on its `token` field: say so, and offer a new link.
  const tokenRefused = errors.token ?? serverFieldErrors(mutation.error).token;

  if (!token) {
    return (
      <AuthCard title="Reset your password">
        <FormError message="This link is incomplete. Ask for a new one." />
        <p className="mt-4 text-sm">
          <Link to="/forgot-password" className="text-indigo-600 hover:underline dark:text-indigo-300">
            Ask for a new link
          </Link>
        </p>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Choose a new password">
      {mutation.isSuccess ? (
        <div role="status" className="space-y-3 text-sm">
          <p>Your password is changed and every session was signed out.</p>
          <Link to="/login" className="font-medium text-indigo-600 hover:underline dark:text-indigo-300">
            Sign in
          </Link>
        </div>
      ) : (
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          {tokenRefused ? (
            <div className="space-y-2">
              <FormError message={tokenRefused} />
              <Link
                to="/forgot-password"
                className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-300"
              >
                Ask for a new link
              </Link>
            </div>
          ) : (
            <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
          )}
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            error={errors.password}
          />
          <TextField
            label="Repeat the new password"
            name="confirm"
            type="password"
            autoComplete="new-password"
            error={errors.confirm}
          />
          <Button type="submit" className="w-full" busy={mutation.isPending}>
            Set password
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
