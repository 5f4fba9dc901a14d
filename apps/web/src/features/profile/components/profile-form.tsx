import { type User, updateProfileBody } from '@primetrade/shared';
import { useMemo } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, SelectField, TextField } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { useSchemaForm } from '../../../lib/form';
import { useT } from '../../../lib/i18n';
import { useUpdateMe } from '../api/update-me';

function timeZones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return [...new Set(['UTC', current, ...zones])];
}

export function ProfileForm({ user }: { user: User }) {
  const t = useT('profile');
  const toast = useToast();
  const mutation = useUpdateMe();
  const zones = useMemo(() => timeZones(user.timezone).map((z) => ({ value: z, label: z })), [user.timezone]);
  const { errors, onSubmit, onChange } = useSchemaForm(
    updateProfileBody,
    ['name', 'timezone'],
    (data, { showServerErrors }) =>
      mutation.mutate(data, { onSuccess: () => toast(t('form.saved'), 'success'), onError: showServerErrors }),
  );
  return (
    <form onSubmit={onSubmit} onChange={onChange} noValidate className="max-w-md space-y-4">
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <TextField label={t('form.name')} name="name" defaultValue={user.name} autoComplete="name" error={errors.name} />
      <SelectField
        label={t('form.timezone')}
        name="timezone"
        defaultValue={user.timezone}
        options={zones}
        error={errors.timezone}
      />
      <Button type="submit" busy={mutation.isPending}>
        {t('form.save')}
      </Button>
    </form>
  );
}
