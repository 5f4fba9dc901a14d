import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, TextField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { translate, useT } from '../../../lib/i18n';
import { useConfirmTotp, useDisableTotp, useMfaStatus, useStartTotp } from '../api/mfa';

/** The otpauth:// URL as a QR code (drawn here, in the browser: the secret never goes to a third party). */
function QrCode({ url }: { url: string }) {
  const t = useT('profile');
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // SVG, not a canvas: drawn the same in every browser (and in the component tests).
    void QRCode.toString(url, { type: 'svg', margin: 1 }).then(
      (svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return src ? (
    <img src={src} width={200} height={200} alt={t('twoFactor.qrAlt')} className="rounded bg-white p-1" />
  ) : (
    <Spinner label={t('twoFactor.qrDrawing')} />
  );
}

/** The recovery codes, shown once, with a download. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT('profile');
  const download = () => {
    const text = `${translate('profile', 'twoFactor.recoveryFileHeader')}\n\n${codes.join('\n')}\n`;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    a.download = 'primetrade-recovery-codes.txt';
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <div className="space-y-3">
      <p role="status" className="text-sm">
        {t('twoFactor.recoveryIntro')}
      </p>
      <ul aria-label={t('twoFactor.recoveryList')} className="grid max-w-sm grid-cols-2 gap-1 font-mono text-sm">
        {codes.map((c) => (
          <li key={c} className="rounded bg-slate-100 px-2 py-1 dark:bg-slate-800">
            {c}
          </li>
        ))}
      </ul>
      <div className="flex gap-2">
        <Button variant="secondary" onClick={download}>
          {t('twoFactor.download')}
        </Button>
        <Button onClick={onDone}>{t('twoFactor.saved')}</Button>
      </div>
    </div>
  );
}

export function TwoFactor() {
  const t = useT('profile');
  const toast = useToast();
  const status = useMfaStatus();
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const disable = useDisableTotp();
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [disabling, setDisabling] = useState(false);

  if (codes) return <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />;
  if (status.isPending) return <Spinner label={t('twoFactor.loading')} />;
  if (status.isError) return <FormError message={errorMessage(status.error)} />;

  if (status.data.totp === 'on') {
    return (
      <div className="space-y-3">
        <p className="text-sm">
          <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">
            {t('twoFactor.on')}
          </span>{' '}
          {t('twoFactor.onText', { count: status.data.recoveryCodesLeft })}
        </p>
        {disabling ? (
          <form
            className="max-w-md space-y-3"
            aria-label={t('twoFactor.turnOffForm')}
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              disable.mutate(
                { password: String(f.get('password') ?? ''), code: String(f.get('code') ?? '').replace(/\s+/g, '') },
                {
                  onSuccess: () => {
                    setDisabling(false);
                    toast(t('twoFactor.turnedOff'), 'success');
                  },
                },
              );
            }}
          >
            <FormError message={disable.error ? errorMessage(disable.error) : null} />
            <TextField
              label={t('twoFactor.currentPassword')}
              name="password"
              type="password"
              autoComplete="current-password"
              required
            />
            <TextField
              label={t('twoFactor.code')}
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
            />
            <div className="flex gap-2">
              <Button type="submit" variant="danger" busy={disable.isPending}>
                {t('twoFactor.turnOff')}
              </Button>
              <Button type="button" variant="secondary" onClick={() => setDisabling(false)}>
                {t('twoFactor.cancel')}
              </Button>
            </div>
          </form>
        ) : (
          <Button variant="secondary" onClick={() => setDisabling(true)}>
            {t('twoFactor.turnOffForm')}
          </Button>
        )}
      </div>
    );
  }

  const enrolment = start.data;
  if (!enrolment) {
    return (
      <div className="space-y-3">
        <FormError message={start.error ? errorMessage(start.error) : null} />
        <p className="text-sm">{t('twoFactor.intro')}</p>
        <Button busy={start.isPending} onClick={() => start.mutate(undefined)}>
          {t('twoFactor.setUp')}
        </Button>
      </div>
    );
  }
  return (
    <form
      className="max-w-md space-y-3"
      aria-label={t('twoFactor.setUp')}
      onSubmit={(e) => {
        e.preventDefault();
        confirm.mutate(code.replace(/\s+/g, ''), {
          onSuccess: (r) => {
            setCode('');
            start.reset();
            setCodes(r.recoveryCodes);
          },
        });
      }}
    >
      <p className="text-sm">{t('twoFactor.scan')}</p>
      <QrCode url={enrolment.otpauthUrl} />
      <p className="text-xs text-slate-600 dark:text-slate-300">
        {t('twoFactor.manual')}{' '}
        <code data-testid="totp-secret" className="break-all font-mono">
          {enrolment.secret}
        </code>
      </p>
      <FormError message={confirm.error ? errorMessage(confirm.error) : null} />
      <TextField
        label={t('twoFactor.appCode')}
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      <Button type="submit" busy={confirm.isPending}>
        {t('twoFactor.turnOn')}
      </Button>
    </form>
  );
}
