import { Link } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { useVerifyEmail } from '../api/verify-email';
import { AuthCard } from './auth-card';

export function VerifyEmail({ token }: { token: string }) {
  const mutation = useVerifyEmail();
  const sent = useRef(false);
  const { mutate } = mutation;

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    mutate({ token });
  }, [token, mutate]);

  return (
    <AuthCard title="Verify your email">
      {!token ? <FormError message="This link is incomplete." /> : null}
      {mutation.isPending ? <Spinner label="Verifying" /> : null}
      {mutation.isError ? <FormError message={errorMessage(mutation.error)} /> : null}
      {mutation.isSuccess ? (
        <p role="status" className="text-sm">
          Your email address is verified.
        </p>
      ) : null}
      <p className="mt-4 text-sm">
        <Link to="/dashboard" className="font-medium text-indigo-600 hover:underline dark:text-indigo-300">
          Go to the app
        </Link>
      </p>
    </AuthCard>
  );
}
