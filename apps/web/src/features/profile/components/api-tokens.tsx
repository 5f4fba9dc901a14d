import {
  type ApiToken,
  type CreatedApiToken,
  createTokenBody,
  TOKEN_SCOPES,
  type TokenScope,
} from '@primetrade/shared';
import { type FormEvent, useState } from 'react';
import { Trans } from 'react-i18next';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError, SelectField, TextField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { type FieldErrors, issuesToFieldErrors, serverFieldErrors } from '../../../lib/form';
import { formatDate, formatDateTime } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from '../api/api-tokens';

const DAY_MS = 86_400_000;
const EXPIRY_VALUES = ['30', '7', '90', '365', 'never'] as const;

/** Profile → API tokens: list, create (the secret shown once), revoke with confirmation. */
export function ApiTokens() {
  const t = useT('profile');
  const tokens = useApiTokens();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  if (tokens.isPending) return <Spinner label={t('tokens.loading')} />;
  if (tokens.isError) return <FormError message={errorMessage(tokens.error)} />;
  return (
    <div className="space-y-4">
      {created ? <NewSecret token={created} onDone={() => setCreated(null)} /> : null}
      {tokens.data.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('tokens.empty')}</p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-700" aria-label={t('tokens.list')}>
          {tokens.data.map((tok) => (
            <li key={tok.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
              <div className="min-w-0">
                <p className="truncate font-medium">{tok.name}</p>
                <p className="mt-0.5 flex flex-wrap gap-1">
                  <span className="sr-only">{t('tokens.scopes')}</span>
                  {tok.scopes.map((s) => (
                    <code
                      key={s}
                      className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-100"
                    >
                      {s}
                    </code>
                  ))}
                </p>
                <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-300">
                  {t('tokens.created', { date: formatDate(tok.createdAt) })} ·{' '}
                  {tok.lastUsedAt
                    ? t('tokens.lastUsed', { date: formatDateTime(tok.lastUsedAt) })
                    : t('tokens.lastUsedNever')}{' '}
                  ·{' '}
                  {tok.expiresAt ? t('tokens.expires', { date: formatDate(tok.expiresAt) }) : t('tokens.neverExpires')}
                </p>
              </div>
              <Button
                size="sm"
                variant="secondary"
                onClick={() => setRevoking(tok)}
                aria-label={t('tokens.revokeNamed', { name: tok.name })}
              >
                {t('tokens.revoke')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Button onClick={() => setCreating(true)}>{t('tokens.create')}</Button>
      <CreateTokenDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(created) => {
          setCreating(false);
          setCreated(created);
        }}
      />
      <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} />
    </div>
  );
}

function NewSecret({ token, onDone }: { token: CreatedApiToken; onDone: () => void }) {
  const t = useT('profile');
  const toast = useToast();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      toast(t('tokens.copied'), 'success');
    } catch {
      toast(t('tokens.copyFailed'), 'error');
    }
  };
  return (
    <div
      role="status"
      className="space-y-2 rounded-md bg-amber-50 p-4 text-sm ring-1 ring-amber-300 dark:bg-amber-950 dark:ring-amber-700"
    >
      <p className="font-medium text-amber-900 dark:text-amber-100">{t('tokens.newTitle', { name: token.name })}</p>
      <p className="text-amber-900 dark:text-amber-100">
        <Trans ns="profile" i18nKey="tokens.newHint" components={{ code: <code /> }} />
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <input
          readOnly
          aria-label={t('tokens.newToken')}
          value={token.token}
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-xs dark:border-amber-700 dark:bg-slate-900"
        />
        <Button size="sm" onClick={copy}>
          {t('tokens.copy')}
        </Button>
        <Button size="sm" variant="secondary" onClick={onDone}>
          {t('tokens.done')}
        </Button>
      </div>
    </div>
  );
}

function CreateTokenDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (token: CreatedApiToken) => void;
}) {
  const t = useT('profile');
  const mutation = useCreateApiToken();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<TokenScope[]>(['tasks:read']);
  const [expiry, setExpiry] = useState<string>('30');
  const [errors, setErrors] = useState<FieldErrors>({});
  const reset = () => {
    setName('');
    setScopes(['tasks:read']);
    setExpiry('30');
    setErrors({});
    mutation.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const expiresAt = expiry === 'never' ? null : new Date(Date.now() + Number(expiry) * DAY_MS).toISOString();
    const parsed = createTokenBody.safeParse({ name, scopes, expiresAt });
    if (!parsed.success) {
      setErrors(issuesToFieldErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    mutation.mutate(parsed.data, {
      onSuccess: (created) => {
        reset();
        onCreated(created);
      },
      onError: (err) => setErrors(serverFieldErrors(err)),
    });
  };
  const toggle = (scope: TokenScope, on: boolean) =>
    setScopes((s) => (on ? TOKEN_SCOPES.filter((x) => x === scope || s.includes(x)) : s.filter((x) => x !== scope)));
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        if (!o) reset();
        onOpenChange(o);
      }}
      title={t('tokens.createTitle')}
      description={t('tokens.createDescription')}
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        <FormError message={mutation.error && !errors.name && !errors.scopes ? errorMessage(mutation.error) : null} />
        <TextField
          label={t('tokens.name')}
          name="name"
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          hint={t('tokens.nameHint')}
        />
        <fieldset
          className="space-y-2"
          aria-describedby={errors.scopes ? 'token-scopes-error' : undefined}
          aria-invalid={errors.scopes ? true : undefined}
        >
          <legend className="text-sm font-medium text-slate-700 dark:text-slate-200">{t('tokens.scopesLegend')}</legend>
          {TOKEN_SCOPES.map((scope) => (
            <label key={scope} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                className="mt-0.5"
                checked={scopes.includes(scope)}
                onChange={(e) => toggle(scope, e.target.checked)}
              />
              <span>
                <code className="text-xs">{scope}</code>
                <span className="block text-xs text-slate-600 dark:text-slate-300">
                  {t(`tokens.scopeLabels.${scope.replace(':', '_')}`)}
                </span>
              </span>
            </label>
          ))}
          {errors.scopes ? (
            <p id="token-scopes-error" role="alert" className="text-xs text-red-600 dark:text-red-400">
              {errors.scopes}
            </p>
          ) : null}
        </fieldset>
        <SelectField
          label={t('tokens.expiresLabel')}
          name="expiry"
          value={expiry}
          onChange={(e) => setExpiry(e.target.value)}
          options={EXPIRY_VALUES.map((value) => ({ value, label: t(`tokens.expiry.${value}`) }))}
          error={errors.expiresAt}
        />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            {t('tokens.cancel')}
          </Button>
          <Button type="submit" busy={mutation.isPending}>
            {t('tokens.create')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function RevokeTokenDialog({ token, onClose }: { token: ApiToken | null; onClose: () => void }) {
  const t = useT('profile');
  const toast = useToast();
  const revoke = useRevokeApiToken();
  return (
    <Dialog
      open={token !== null}
      onOpenChange={(o) => {
        if (!o) onClose();
      }}
      title={t('tokens.revokeTitle', { name: token?.name ?? '' })}
      description={t('tokens.revokeDescription')}
    >
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          {t('tokens.cancel')}
        </Button>
        <Button
          variant="danger"
          busy={revoke.isPending}
          onClick={() => {
            if (!token) return;
            revoke.mutate(token.id, {
              onSuccess: () => {
                toast(t('tokens.revoked'), 'success');
                onClose();
              },
              onError: (e) => toast(errorMessage(e), 'error'),
            });
          }}
        >
          {t('tokens.revokeSubmit')}
        </Button>
      </div>
    </Dialog>
  );
}
