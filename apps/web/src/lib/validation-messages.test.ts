import { createTaskBody, loginBody } from '@primetrade/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { setLanguage } from './i18n';
import { validate } from './form';

const messages = (schema: Parameters<typeof validate>[0], value: unknown) => validate(schema, value).errors ?? {};

describe('validation messages in the UI language (lib/validation-messages.ts)', () => {
  afterEach(() => setLanguage('en', { remember: false }));

  it('English: the same sentences as the shared contract (packages/shared/src/messages.ts)', () => {
    expect(messages(loginBody, { email: 'nope', password: '' })).toMatchObject({
      email: 'Enter a valid email address',
    });
    expect(messages(createTaskBody, { title: 'x'.repeat(5000) }).title).toMatch(/^Use at most \d+ characters$/);
    expect(messages(createTaskBody, { title: 'a', priority: 'huge' }).priority).toMatch(/^Choose one of: low, /);
  });

  it('German: the same cases worded in German, placeholders filled', async () => {
    await setLanguage('de', { remember: false });
    expect(messages(loginBody, { email: 'nope', password: '' }).email).toBe(
      'Geben Sie eine gültige E-Mail-Adresse ein',
    );
    expect(messages(createTaskBody, { title: 'x'.repeat(5000) }).title).toMatch(
      /^Verwenden Sie höchstens \d+ Zeichen$/,
    );
    expect(messages(createTaskBody, { title: 'a', priority: 'huge' }).priority).toMatch(
      /^Wählen Sie eines davon: low, /,
    );
  });
});
