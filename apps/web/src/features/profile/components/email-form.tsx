import { changeEmailBody, type User } from '@primetrade/shared';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { formLevelError } from '../../../lib/form';
import { useT } from '../../../lib/i18n';
import { useUpdateMe } from '../api/update-me';
import { CurrentPasswordField } from './current-password-field';
import { useCredentialForm, WRONG_CURRENT_PASSWORD } from './use-credential-form';

export function EmailForm({ user }: { user: User }) {
  const t = useT('profile');
  const mutation = useUpdateMe();
  const { errors, onSubmit, onChange } = useCredentialForm(
    changeEmailBody,
    ['email', 'currentPassword'],
    mutation.mutate,
    t('email.changed'),
  );
  return (
    <form onSubmit={onSubmit} onChange={onChange} noValidate className="max-w-md space-y-4">
      <p className="text-sm">
        {t('email.current')} <span className="font-medium">{user.email}</span>{' '}
        {user.emailVerified ? (
          <span className="text-emerald-700 dark:text-emerald-300">{t('email.verified')}</span>
        ) : (
          <span className="text-amber-700 dark:text-amber-300">{t('email.notVerified')}</span>
        )}
      </p>
      <FormError message={formLevelError(mutation.error, WRONG_CURRENT_PASSWORD)} />
      <TextField label={t('email.new')} name="email" type="email" autoComplete="email" error={errors.email} />
      <CurrentPasswordField error={errors.currentPassword} />
      <Button type="submit" busy={mutation.isPending}>
        {t('email.submit')}
      </Button>
    </form>
  );
}
