import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { useVerifyMfa } from '../api/login';
import { usePasskeySignIn } from '../api/passkey-login';
import { PasskeyButton } from './passkey-button';

/** An error of the passkey sign-in in words: the API's, or the browser's (cancelled, or not possible here). */
export function passkeyErrorMessage(e: unknown, t: (key: string) => string): string {
  if (isApiError(e)) return errorMessage(e);
  return (e as { name?: string })?.name === 'NotAllowedError' ? t('passkey.cancelled') : t('passkey.failed');
}

/**
 * The second sign-in step (two-factor on): the 6-digit code from the authenticator app, or one of the recovery
 * codes. A challenge that expired (or was used) sends the person back to the password step.
 */
export function MfaStep({
  challenge,
  onSignedIn,
  onRestart,
}: {
  challenge: string;
  onSignedIn: () => void;
  onRestart: () => void;
}) {
  const t = useT('auth');
  const mutation = useVerifyMfa();
  const passkey = usePasskeySignIn();
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState('');
  const expired =
    (isApiError(mutation.error) && mutation.error.code === 'UNAUTHENTICATED') ||
    (isApiError(passkey.error) && passkey.error.code === 'UNAUTHENTICATED');
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const entered = value.trim();
    if (!entered) return;
    mutation.mutate(
      recovery ? { challenge, recoveryCode: entered } : { challenge, code: entered.replace(/\s+/g, '') },
      {
        onSuccess: onSignedIn,
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label={t('login.mfaTitle')}>
      <p className="text-sm text-slate-700 dark:text-slate-200">
        {recovery ? t('mfa.recoveryText') : t('mfa.codeText', { digits: 6 })}
      </p>
      <FormError
        message={
          mutation.error ? errorMessage(mutation.error) : passkey.error ? passkeyErrorMessage(passkey.error, t) : null
        }
      />
      <TextField
        key={recovery ? 'recovery' : 'code'}
        label={recovery ? t('mfa.recoveryLabel') : t('mfa.codeLabel')}
        name={recovery ? 'recoveryCode' : 'code'}
        autoComplete="one-time-code"
        inputMode={recovery ? 'text' : 'numeric'}
        autoFocus
        required
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      {expired ? (
        <Button type="button" className="w-full" onClick={onRestart}>
          {t('mfa.restart')}
        </Button>
      ) : (
        <Button type="submit" className="w-full" busy={mutation.isPending}>
          {t('mfa.submit')}
        </Button>
      )}
      {expired ? null : (
        <PasskeyButton
          passkey={passkey}
          challenge={challenge}
          label={t('passkey.useForMfa')}
          onStart={() => mutation.reset()}
          onSignedIn={onSignedIn}
        />
      )}
      <p className="text-center text-sm">
        <button
          type="button"
          className="text-indigo-600 hover:underline dark:text-indigo-300"
          onClick={() => {
            setRecovery(!recovery);
            setValue('');
            mutation.reset();
          }}
        >
          {recovery ? t('mfa.useApp') : t('mfa.useRecovery')}
        </button>
      </p>
    </form>
  );
}
