import { forgotPasswordBody } from '@primetrade/shared';
import { Link } from '@tanstack/react-router';
import { MailDeliveryNote } from '../../../components/mail-delivery-note';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { useSchemaForm } from '../../../lib/form';
import { useForgotPassword } from '../api/forgot-password';
import { AuthCard } from './auth-card';

export function ForgotPasswordForm() {
  const t = useT('auth');
  const mutation = useForgotPassword();
  const { errors, onSubmit, onChange } = useSchemaForm(forgotPasswordBody, ['email'], (data) => mutation.mutate(data));

  return (
    <AuthCard
      title={t('forgot.title')}
      footer={
        <Link to="/login" className="text-indigo-600 hover:underline dark:text-indigo-300">
          {t('forgot.back')}
        </Link>
      }
    >
      {mutation.isSuccess ? (
        <div className="space-y-2">
          <p role="status" className="text-sm text-slate-700 dark:text-slate-200">
            {t('forgot.sent', { minutes: 30 })}
          </p>
          <MailDeliveryNote />
        </div>
      ) : (
        <form onSubmit={onSubmit} onChange={onChange} noValidate className="space-y-4">
          <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
          <TextField
            label={t('login.email')}
            name="email"
            type="email"
            autoComplete="email"
            required
            error={errors.email}
          />
          <Button type="submit" className="w-full" busy={mutation.isPending}>
            {t('forgot.submit')}
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
