import { deleteMeBody } from '@primetrade/shared';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError, TextField } from '../../../components/ui/field';
import { type CodeFields, formLevelError, useSchemaForm } from '../../../lib/form';
import { useT } from '../../../lib/i18n';
import { useDeleteAccount } from '../api/delete-account';

const WRONG_PASSWORD: CodeFields = { INVALID_CREDENTIALS: 'password' };

export function DeleteAccount({ onSignedOut }: { onSignedOut: () => void }) {
  const t = useT('profile');
  const mutation = useDeleteAccount();
  const [open, setOpen] = useState(false);
  const { errors, onSubmit, onChange } = useSchemaForm(
    deleteMeBody,
    ['password'],
    (data, { showServerErrors }) => mutation.mutate(data, { onSuccess: onSignedOut, onError: showServerErrors }),
    WRONG_PASSWORD,
  );
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        {t('delete.open')}
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={t('delete.title')} description={t('delete.description')}>
        <form onSubmit={onSubmit} onChange={onChange} noValidate className="space-y-4">
          <FormError message={formLevelError(mutation.error, WRONG_PASSWORD)} />
          <TextField
            label={t('delete.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            error={errors.password}
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {t('delete.cancel')}
            </Button>
            <Button type="submit" variant="danger" busy={mutation.isPending}>
              {t('delete.submit')}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
