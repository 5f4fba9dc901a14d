import { useEffect, useState } from 'react';
import { FormError } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { deviceLabel } from '../../../lib/device-label';
import { useT } from '../../../lib/i18n';
import { deletePushSubscription, savePushSubscription, useVapidPublicKey } from '../api/push';
import {
  browserPush,
  type DeviceState,
  deviceState,
  disablePush,
  enablePush,
  type PushApi,
  type PushBrowser,
  PushSetupError,
} from './push-device';

const serverApi: PushApi = { save: savePushSubscription, remove: deletePushSubscription };

/**
 * Profile → Reminders → "Notifications on this device" (issue 17 item 2): a switch that subscribes this browser to
 * Web Push with the server's VAPID key (asking permission first) or unsubscribes it. Says why when it cannot be on:
 * the server has no push, the browser cannot, notifications are blocked, or no service worker runs.
 */
export function PushNotifications({ browser = browserPush }: { browser?: PushBrowser }) {
  const t = useT('profile');
  const toast = useToast();
  const key = useVapidPublicKey();
  const [state, setState] = useState<DeviceState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void deviceState(browser).then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, [browser]);

  const serverOff = key.isError && isApiError(key.error) && key.error.status === 503;
  const label = deviceLabel(browser.userAgent);

  const setupMessage = (err: unknown) => (err instanceof PushSetupError ? t(`push.${err.reason}`) : errorMessage(err));

  const toggle = async (on: boolean) => {
    setError(null);
    setBusy(true);
    try {
      if (on) {
        if (!key.data) return;
        await enablePush(browser, serverApi, key.data, label);
        setState('on');
        toast(t('push.turnedOn'), 'success');
      } else {
        await disablePush(browser, serverApi, label);
        setState('off');
        toast(t('push.turnedOff'), 'success');
      }
    } catch (err) {
      setError(setupMessage(err));
      if (err instanceof PushSetupError && err.reason === 'denied') setState('denied');
    } finally {
      setBusy(false);
    }
  };

  const note = serverOff
    ? t('push.serverOff')
    : state === 'unsupported'
      ? t('push.unsupported')
      : state === 'denied'
        ? t('push.denied')
        : state === 'no-worker'
          ? t('push.no-worker')
          : null;
  const disabled = busy || !key.data || state === null || (state !== 'on' && state !== 'off');

  return (
    <div className="mt-6 max-w-md space-y-2 border-t border-slate-200 pt-4 dark:border-slate-700">
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          role="switch"
          checked={state === 'on'}
          aria-checked={state === 'on'}
          disabled={disabled}
          aria-describedby="push-device-help"
          onChange={(e) => void toggle(e.currentTarget.checked)}
        />
        {t('push.toggle')}
      </label>
      <p id="push-device-help" className="text-sm text-slate-600 dark:text-slate-300">
        {note ?? t('push.description')}
      </p>
      <FormError message={error} />
    </div>
  );
}
