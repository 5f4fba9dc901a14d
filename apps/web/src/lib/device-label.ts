import Bowser from 'bowser';

/**
 * A session's device as a person says it ("Chrome on Linux", "Safari on iOS"); an API client's user agent gives its
 * product name ("curl", "PostmanRuntime"); nothing known → "Unknown device". The raw string stays in the title.
 */
export function deviceLabel(userAgent: string | null | undefined): string {
  const ua = userAgent?.trim();
  if (!ua) return 'Unknown device';
  const { browser, os } = Bowser.parse(ua);
  if (browser.name) return os.name ? `${browser.name} on ${os.name}` : browser.name;
  const product = /^[A-Za-z][\w.-]*/.exec(ua)?.[0];
  return product && product !== 'Mozilla' ? product : 'Unknown device';
}
