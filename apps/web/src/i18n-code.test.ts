/**
 * The words lib/ and the task helpers make outside JSX (shortcut descriptions, error fallbacks, device names,
 * status/priority/role labels, recurrence rules) come from the locale files in every language: each is checked in
 * English and German, and a key that exists in neither language is reported (planted below).
 */
import { PROJECT_ROLES, STRENGTH_LABELS, TASK_PRIORITIES, TASK_STATUSES } from '@primetrade/shared';
import i18next from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { describeRule } from './features/tasks/components/quick-add-draft';
import { ApiError, errorMessage } from './lib/api-error';
import { deviceLabel } from './lib/device-label';
import { formatNumber, formatPercent, labelOf } from './lib/format';
import { type Language, LANGUAGES, type Namespace, setLanguage, translate } from './lib/i18n';
import { SHORTCUTS } from './lib/shortcuts';

const langs = Object.keys(LANGUAGES) as Language[];

/** The keys of `ns` under `prefix` that some language lacks: `lang:ns:prefix.id`. */
function missing(ns: Namespace, prefix: string, ids: readonly string[]): string[] {
  return langs.flatMap((lng) =>
    ids
      .filter((id) => !i18next.exists(`${prefix}.${id}`, { ns, lng, fallbackLng: false }))
      .map((id) => `${lng}:${ns}:${prefix}.${id}`),
  );
}

afterEach(() => setLanguage('en', { remember: false }));

describe('text made in code is translated', () => {
  it('the check reports a key a language lacks (planted)', async () => {
    await setLanguage('de', { remember: false }); // loads German
    expect(missing('shell', 'shortcuts', ['help', 'noSuchShortcut'])).toEqual([
      'en:shell:shortcuts.noSuchShortcut',
      'de:shell:shortcuts.noSuchShortcut',
    ]);
  });

  it('every shortcut, status, priority, project role and password strength has its words in every language', async () => {
    await setLanguage('de', { remember: false });
    expect(missing('shell', 'shortcuts', Object.keys(SHORTCUTS))).toEqual([]);
    expect(missing('shell', 'shortcutHelp.group', [...new Set(Object.values(SHORTCUTS).map((s) => s.group))])).toEqual(
      [],
    );
    expect(missing('common', 'values', [...TASK_STATUSES, ...TASK_PRIORITIES, ...PROJECT_ROLES])).toEqual([]);
    expect(
      missing(
        'common',
        'password.strength',
        STRENGTH_LABELS.map((_, score) => String(score)),
      ),
    ).toEqual([]);
  });

  it('labels, errors, devices and rules in English (as before) and in German', async () => {
    const chrome =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const sample = () => ({
      status: labelOf('in_progress'),
      role: labelOf('viewer'),
      unknownValue: labelOf('on_hold'),
      offline: errorMessage(new ApiError(0, 'NETWORK_ERROR', 'x')),
      tooMany: errorMessage(new ApiError(429, 'RATE_LIMITED', 'x')),
      generic: errorMessage('?'),
      requestFailed: ApiError.fromProblem(502, undefined).message,
      device: deviceLabel(chrome),
      noDevice: deviceLabel(null),
      monday: describeRule('FREQ=WEEKLY;BYDAY=MO'),
      twoWeeks: describeRule('FREQ=WEEKLY;INTERVAL=2'),
      monthDay: describeRule('FREQ=MONTHLY;BYMONTHDAY=1'),
      lastDay: describeRule('FREQ=MONTHLY;BYMONTHDAY=-1'),
      days: describeRule('FREQ=WEEKLY;BYDAY=TU,TH'),
      waiting: translate('common', 'offline.waiting', { count: 1234 }),
      number: formatNumber(1234567.5),
      percent: formatPercent(0.42),
    });
    expect(sample()).toEqual({
      status: 'In progress',
      role: 'Viewer',
      unknownValue: 'On hold',
      offline: 'You appear to be offline. Check your connection and try again.',
      tooMany: 'Too many attempts. Please wait a little and try again.',
      generic: 'Something went wrong',
      requestFailed: 'Request failed (502)',
      device: 'Chrome on Linux',
      noDevice: 'Unknown device',
      monday: 'Every Monday',
      twoWeeks: 'Every 2 weeks',
      monthDay: 'Every month on day 1',
      lastDay: 'Every month on the last day',
      days: 'Every Tuesday, Thursday',
      waiting: '1,234 changes waiting',
      number: '1,234,567.5',
      percent: '42%',
    });
    await setLanguage('de', { remember: false });
    expect(sample()).toEqual({
      status: 'In Arbeit',
      role: 'Betrachter',
      unknownValue: 'On hold',
      offline: 'Sie scheinen offline zu sein. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
      tooMany: 'Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es dann erneut.',
      generic: 'Etwas ist schiefgelaufen',
      requestFailed: 'Anfrage fehlgeschlagen (502)',
      device: 'Chrome unter Linux',
      noDevice: 'Unbekanntes Gerät',
      monday: 'Jeden Montag',
      twoWeeks: 'Alle 2 Wochen',
      monthDay: 'Jeden Monat am 1.',
      lastDay: 'Jeden Monat am letzten Tag',
      days: 'Jeden Dienstag, Donnerstag',
      waiting: '1.234 Änderungen warten',
      number: '1.234.567,5',
      percent: '42\u00a0%',
    });
  });
});
