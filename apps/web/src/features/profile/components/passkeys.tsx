import type { Passkey } from '@primetrade/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { formatDate, formatDateTime } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useAddPasskey, useDeletePasskey, usePasskeys, useRenamePasskey } from '../api/passkeys';

/** The browser's WebAuthn errors (the person cancelled, or the authenticator refused) in words. */
function useWebAuthnError() {
  const t = useT('profile');
  return (e: unknown) => {
    if (isApiError(e)) return errorMessage(e);
    return (e as { name?: string })?.name === 'NotAllowedError' ? t('passkeys.cancelled') : t('passkeys.failed');
  };
}

/** Profile → Passkeys: add one (the browser's prompt), list, rename and delete. */
export function Passkeys() {
  const t = useT('profile');
  const toast = useToast();
  const keys = usePasskeys();
  const add = useAddPasskey();
  const webAuthnError = useWebAuthnError();
  const [name, setName] = useState('');
  if (keys.isPending) return <Spinner label={t('passkeys.loading')} />;
  if (keys.isError) return <FormError message={errorMessage(keys.error)} />;
  const supported = typeof window !== 'undefined' && 'PublicKeyCredential' in window;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(name.trim() || t('passkeys.defaultName'), {
      onSuccess: (p) => {
        setName('');
        toast(t('passkeys.added', { name: p.name }), 'success');
      },
    });
  };
  return (
    <div className="space-y-4">
      {keys.data.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('passkeys.empty')}</p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-700" aria-label={t('passkeys.list')}>
          {keys.data.map((p) => (
            <PasskeyRow key={p.id} passkey={p} />
          ))}
        </ul>
      )}
      {supported ? (
        <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label={t('passkeys.add')}>
          <div className="min-w-48 flex-1">
            <TextField
              label={t('passkeys.nameLabel')}
              name="passkeyName"
              maxLength={100}
              placeholder={t('passkeys.defaultName')}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <Button type="submit" busy={add.isPending}>
            {t('passkeys.add')}
          </Button>
        </form>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('passkeys.unsupported')}</p>
      )}
      <FormError message={add.error ? webAuthnError(add.error) : null} />
    </div>
  );
}

function PasskeyRow({ passkey }: { passkey: Passkey }) {
  const t = useT('profile');
  const rename = useRenamePasskey();
  const remove = useDeletePasskey();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [name, setName] = useState(passkey.name);
  const save = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate({ id: passkey.id, name: name.trim() }, { onSuccess: () => setEditing(false) });
  };
  return (
    <li className="space-y-2 py-3 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <p className="truncate font-medium">{passkey.name}</p>
          <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-300">
            {t('passkeys.created', { date: formatDate(passkey.createdAt) })} ·{' '}
            {passkey.lastUsedAt
              ? t('passkeys.lastUsed', { date: formatDateTime(passkey.lastUsedAt) })
              : t('passkeys.lastUsedNever')}
          </p>
        </div>
        <div className="flex gap-2">
          <Button
            size="sm"
            variant="secondary"
            onClick={() => setEditing(!editing)}
            aria-label={t('passkeys.renameNamed', { name: passkey.name })}
          >
            {t('passkeys.rename')}
          </Button>
          <Button
            size="sm"
            variant="secondary"
            onClick={() => setConfirming(true)}
            aria-label={t('passkeys.deleteNamed', { name: passkey.name })}
          >
            {t('passkeys.delete')}
          </Button>
        </div>
      </div>
      {editing ? (
        <form onSubmit={save} className="flex flex-wrap items-end gap-2" aria-label={t('passkeys.rename')}>
          <div className="min-w-48 flex-1">
            <TextField
              label={t('passkeys.nameLabel')}
              name="passkeyRename"
              maxLength={100}
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <Button type="submit" size="sm" busy={rename.isPending}>
            {t('passkeys.save')}
          </Button>
        </form>
      ) : null}
      {confirming ? (
        <div role="alert" className="flex flex-wrap items-center gap-2">
          <span>{t('passkeys.confirmDelete', { name: passkey.name })}</span>
          <Button size="sm" variant="danger" busy={remove.isPending} onClick={() => remove.mutate(passkey.id)}>
            {t('passkeys.delete')}
          </Button>
          <Button size="sm" variant="secondary" onClick={() => setConfirming(false)}>
            {t('passkeys.keep')}
          </Button>
        </div>
      ) : null}
      <FormError
        message={rename.error ? errorMessage(rename.error) : remove.error ? errorMessage(remove.error) : null}
      />
    </li>
  );
}
