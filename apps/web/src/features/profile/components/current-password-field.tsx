import { TextField } from '../../../components/ui/field';
import { useT } from '../../../lib/i18n';

export function CurrentPasswordField({ error }: { error: string | undefined }) {
  const t = useT('profile');
  return (
    <TextField
      label={t('password.current')}
      name="currentPassword"
      type="password"
      autoComplete="current-password"
      error={error}
    />
  );
}
