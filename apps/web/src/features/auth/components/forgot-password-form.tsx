import { forgotPasswordBody } from '@primetrade/shared';
import { Link } from '@tanstack/react-router';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { useSchemaForm } from '../../../lib/form';
import { useForgotPassword } from '../api/forgot-password';
import { AuthCard } from './auth-card';

export function ForgotPasswordForm() {
  const mutation = useForgotPassword();
  const { errors, onSubmit, onChange } = useSchemaForm(forgotPasswordBody, ['email'], (data) => mutation.mutate(data));

  return (
    <AuthCard
      title="Reset your password"
      footer={
        <Link to="/login" className="text-indigo-600 hover:underline dark:text-indigo-300">
          Back to sign in
        </Link>
      }
    >
      {mutation.isSuccess ? (
        <p role="status" className="text-sm text-slate-700 dark:text-slate-200">
          If an account exists for that address, a reset link is on its way. It is valid for 30 minutes.
        </p>
      ) : (
        <form onSubmit={onSubmit} onChange={onChange} noValidate className="space-y-4">
          <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
          <TextField label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
          <Button type="submit" className="w-full" busy={mutation.isPending}>
            Send reset link
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
