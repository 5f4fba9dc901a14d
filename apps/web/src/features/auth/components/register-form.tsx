import { registerBody } from '@primetrade/shared';
import { Link } from '@tanstack/react-router';
import { NewPasswordField } from '../../../components/new-password-field';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { useSchemaForm } from '../../../lib/form';
import { useRegister } from '../api/register';
import { AuthCard } from './auth-card';

export function RegisterForm({ onRegistered }: { onRegistered: () => void }) {
  const t = useT('auth');
  const mutation = useRegister();
  const { errors, onSubmit, onChange } = useSchemaForm(
    registerBody,
    ['name', 'email', 'password'],
    (data, { showServerErrors }) => mutation.mutate(data, { onSuccess: onRegistered, onError: showServerErrors }),
  );

  return (
    <AuthCard
      title={t('register.title')}
      footer={
        <>
          {t('register.haveAccount')}{' '}
          <Link to="/login" className="font-medium text-indigo-600 hover:underline dark:text-indigo-300">
            {t('login.submit')}
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} onChange={onChange} noValidate className="space-y-4">
        <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
        <TextField label={t('register.name')} name="name" autoComplete="name" required error={errors.name} />
        <TextField
          label={t('login.email')}
          name="email"
          type="email"
          autoComplete="email"
          required
          error={errors.email}
        />
        <NewPasswordField label={t('login.password')} name="password" required error={errors.password} />
        <Button type="submit" className="w-full" busy={mutation.isPending}>
          {t('register.submit')}
        </Button>
      </form>
    </AuthCard>
  );
}
