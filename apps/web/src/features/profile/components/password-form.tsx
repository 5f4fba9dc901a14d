import { changePasswordBody } from '@primetrade/shared';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { formLevelError } from '../../../lib/form';
import { useChangePassword } from '../api/change-password';
import { CurrentPasswordField } from './current-password-field';
import { useCredentialForm, WRONG_CURRENT_PASSWORD } from './use-credential-form';

export function PasswordForm() {
  const mutation = useChangePassword();
  const { errors, onSubmit, onChange } = useCredentialForm(
    changePasswordBody,
    ['currentPassword', 'newPassword'],
    mutation.mutate,
    'Password changed; your other sessions were signed out.',
  );
  return (
    <form onSubmit={onSubmit} onChange={onChange} noValidate className="max-w-md space-y-4">
      <FormError message={formLevelError(mutation.error, WRONG_CURRENT_PASSWORD)} />
      <CurrentPasswordField error={errors.currentPassword} />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        hint="8 to 128 characters."
        error={errors.newPassword}
      />
      <Button type="submit" busy={mutation.isPending}>
        Change password
      </Button>
    </form>
  );
}
