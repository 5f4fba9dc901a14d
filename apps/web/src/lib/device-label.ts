import Bowser from 'bowser';
import { translate } from './i18n';

/**
 * A session's device as a person says it ("Chrome on Linux", "Safari on iOS"); an API client's user agent gives its
 * product name ("curl", "PostmanRuntime"); nothing known → "Unknown device". The raw string stays in the title.
 */
export function deviceLabel(userAgent: string | null | undefined): string {
  const ua = userAgent?.trim();
  if (!ua) return translate('common', 'device.unknown');
  const { browser, os } = Bowser.parse(ua);
  if (browser.name)
    return os.name ? translate('common', 'device.on', { browser: browser.name, os: os.name }) : browser.name;
  const product = /^[A-Za-z][\w.-]*/.exec(ua)?.[0];
  return product && product !== 'Mozilla' ? product : translate('common', 'device.unknown');
}
