import { Link } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { useVerifyEmail } from '../api/verify-email';
import { AuthCard } from './auth-card';

export function VerifyEmail({ token }: { token: string }) {
  const t = useT('auth');
  const mutation = useVerifyEmail();
  const sent = useRef(false);
  const { mutate } = mutation;

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    mutate({ token });
  }, [token, mutate]);

  return (
    <AuthCard title={t('verify.title')}>
      {!token ? <FormError message={t('verify.incomplete')} /> : null}
      {mutation.isPending ? <Spinner label={t('verify.verifying')} /> : null}
      {mutation.isError ? <FormError message={errorMessage(mutation.error)} /> : null}
      {mutation.isSuccess ? (
        <p role="status" className="text-sm">
          {t('verify.done')}
        </p>
      ) : null}
      <p className="mt-4 text-sm">
        <Link to="/dashboard" className="font-medium text-indigo-600 hover:underline dark:text-indigo-300">
          {t('verify.toApp')}
        </Link>
      </p>
    </AuthCard>
  );
}
