import { loginBody } from '@primetrade/shared';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { type FieldErrors, validate } from '../../../lib/form';
import { useLogin } from '../api/login';
import { AuthCard } from './auth-card';

export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const mutation = useLogin();
  const [errors, setErrors] = useState<FieldErrors>({});

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const result = validate(loginBody, { email: form.get('email'), password: form.get('password') });
    if (result.errors) return setErrors(result.errors);
    setErrors({});
    mutation.mutate(result.data, { onSuccess: onSignedIn });
  };

  return (
    <AuthCard
      title="Sign in"
      footer={
        <>
          New here?{' '}
          <Link to="/register" className="font-medium text-indigo-600 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
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
        <p className="text-center text-sm">
          <Link to="/forgot-password" className="text-indigo-600 hover:underline">
            Forgot your password?
          </Link>
        </p>
      </form>
    </AuthCard>
  );
}
