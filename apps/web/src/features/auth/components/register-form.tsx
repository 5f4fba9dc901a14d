import { registerBody } from '@primetrade/shared';
import { Link } from '@tanstack/react-router';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { useSchemaForm } from '../../../lib/form';
import { useRegister } from '../api/register';
import { AuthCard } from './auth-card';

export function RegisterForm({ onRegistered }: { onRegistered: () => void }) {
  const mutation = useRegister();
  const { errors, onSubmit, onChange } = useSchemaForm(
    registerBody,
    ['name', 'email', 'password'],
    (data, { showServerErrors }) => mutation.mutate(data, { onSuccess: onRegistered, onError: showServerErrors }),
  );

  return (
    <AuthCard
      title="Create your account"
      footer={
        <>
          Already have an account?{' '}
          <Link to="/login" className="font-medium text-indigo-600 hover:underline dark:text-indigo-300">
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} onChange={onChange} noValidate className="space-y-4">
        <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
        <TextField label="Name" name="name" autoComplete="name" required error={errors.name} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint="8 to 128 characters; common passwords are refused."
          error={errors.password}
        />
        <Button type="submit" className="w-full" busy={mutation.isPending}>
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}
