import { changeEmailBody, type User } from '@primetrade/shared';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { formLevelError } from '../../../lib/form';
import { useUpdateMe } from '../api/update-me';
import { CurrentPasswordField } from './current-password-field';
import { useCredentialForm, WRONG_CURRENT_PASSWORD } from './use-credential-form';

export function EmailForm({ user }: { user: User }) {
  const mutation = useUpdateMe();
  const { errors, onSubmit, onChange } = useCredentialForm(
    changeEmailBody,
    ['email', 'currentPassword'],
    mutation.mutate,
    'Email changed. Check your inbox to verify it.',
  );
  return (
    <form onSubmit={onSubmit} onChange={onChange} noValidate className="max-w-md space-y-4">
      <p className="text-sm">
        Current: <span className="font-medium">{user.email}</span>{' '}
        {user.emailVerified ? (
          <span className="text-emerald-700 dark:text-emerald-300">(verified)</span>
        ) : (
          <span className="text-amber-700 dark:text-amber-300">(not verified)</span>
        )}
      </p>
      <FormError message={formLevelError(mutation.error, WRONG_CURRENT_PASSWORD)} />
      <TextField label="New email" name="email" type="email" autoComplete="email" error={errors.email} />
      <CurrentPasswordField error={errors.currentPassword} />
      <Button type="submit" busy={mutation.isPending}>
        Change email
      </Button>
    </form>
  );
}
