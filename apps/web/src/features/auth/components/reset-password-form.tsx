import { resetPasswordBody } from '@primetrade/shared';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { NewPasswordField } from '../../../components/new-password-field';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { type FieldErrors, serverFieldErrors, validate } from '../../../lib/form';
import { useResetPassword } from '../api/reset-password';
import { AuthCard } from './auth-card';

export function ResetPasswordForm({ token }: { token: string }) {
  const t = useT('auth');
  const mutation = useResetPassword();
  const [errors, setErrors] = useState<FieldErrors>({});

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const password = form.get('password');
    if (password !== form.get('confirm')) return setErrors({ confirm: t('reset.mismatch') });
    const result = validate(resetPasswordBody, { token, password });
    if (result.errors) return setErrors(result.errors);
    setErrors({});
    mutation.mutate(result.data);
  };

  // A used, expired or unknown link is refused on its `token` field: say so, and offer a new link.
  const tokenRefused = errors.token ?? serverFieldErrors(mutation.error).token;

  if (!token) {
    return (
      <AuthCard title={t('forgot.title')}>
        <FormError message={t('reset.incomplete')} />
        <p className="mt-4 text-sm">
          <Link to="/forgot-password" className="text-indigo-600 hover:underline dark:text-indigo-300">
            {t('reset.newLink')}
          </Link>
        </p>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={t('reset.title')}>
      {mutation.isSuccess ? (
        <div role="status" className="space-y-3 text-sm">
          <p>{t('reset.done')}</p>
          <Link to="/login" className="font-medium text-indigo-600 hover:underline dark:text-indigo-300">
            {t('login.submit')}
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
                {t('reset.newLink')}
              </Link>
            </div>
          ) : (
            <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
          )}
          <NewPasswordField label={t('reset.password')} name="password" error={errors.password} />
          <TextField
            label={t('reset.confirm')}
            name="confirm"
            type="password"
            autoComplete="new-password"
            error={errors.confirm}
          />
          <Button type="submit" className="w-full" busy={mutation.isPending}>
            {t('reset.submit')}
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
