import { changePasswordBody } from '@primetrade/shared';
import { Button } from '../../../components/ui/button';
import { NewPasswordField } from '../../../components/new-password-field';
import { FormError } from '../../../components/ui/field';
import { formLevelError } from '../../../lib/form';
import { useT } from '../../../lib/i18n';
import { useMe } from '../../../lib/session';
import { useChangePassword } from '../api/change-password';
import { CurrentPasswordField } from './current-password-field';
import { useCredentialForm, WRONG_CURRENT_PASSWORD } from './use-credential-form';

export function PasswordForm() {
  const t = useT('profile');
  const mutation = useChangePassword();
  const me = useMe().data;
  const { errors, onSubmit, onChange } = useCredentialForm(
    changePasswordBody,
    ['currentPassword', 'newPassword'],
    mutation.mutate,
    t('password.changed'),
  );
  return (
    <form onSubmit={onSubmit} onChange={onChange} noValidate className="max-w-md space-y-4">
      <FormError message={formLevelError(mutation.error, WRONG_CURRENT_PASSWORD)} />
      <CurrentPasswordField error={errors.currentPassword} />
      <NewPasswordField
        label={t('password.new')}
        name="newPassword"
        error={errors.newPassword}
        {...(me ? { email: me.email, userName: me.name } : {})}
      />
      <Button type="submit" busy={mutation.isPending}>
        {t('password.submit')}
      </Button>
    </form>
  );
}
