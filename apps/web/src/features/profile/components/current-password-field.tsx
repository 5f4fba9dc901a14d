import { TextField } from '../../../components/ui/field';

export function CurrentPasswordField({ error }: { error: string | undefined }) {
  return (
    <TextField
      label="Current password"
      name="currentPassword"
      type="password"
      autoComplete="current-password"
      error={error}
    />
  );
}
