import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PASSWORD_MIN_SCORE, strengthInputs, weakPasswordMessage } from '@primetrade/shared';
import { commonPasswords, passwordProblem } from './password-policy';

const lists = createRequire(import.meta.url)('zxcvbn/lib/frequency_lists.js') as { passwords: string[] };

describe('password policy', () => {
  it('ships a list of at least 10,000 common passwords', () => {
    expect(commonPasswords().size).toBeGreaterThanOrEqual(10_000);
  });

  it('refuses every one of the top 3,000 common passwords that pass the length rule, with a reason', () => {
    const candidates = lists.passwords.slice(0, 3000).filter((p) => [...p].length >= 8 && [...p].length <= 128);
    expect(candidates.length).toBeGreaterThan(500);
    for (const p of candidates) expect([p, passwordProblem(p)]).toEqual([p, expect.stringMatching(/common/)]);
  });

  it('refuses case and separator variants and a common word with digits appended', () => {
    for (const p of ['PASSWORD', 'Pass-Word', 'football2024', 'Baseball!!']) {
      expect(passwordProblem(p)).not.toBeNull();
    }
  });

  it('refuses the service name and the user context', () => {
    expect(passwordProblem('my primetrade login')).toMatch(/name of this service/);
    expect(passwordProblem('PrimeTrade Tasks')).not.toBeNull();
    expect(passwordProblem('ada.lovelace@example.test', { email: 'ada.lovelace@example.test' })).toMatch(/email/);
    expect(passwordProblem('lovelace1815xyz', { email: 'lovelace@example.test' })).toMatch(/email/);
    expect(passwordProblem('grace hopper 1906', { name: 'Grace Hopper' })).toMatch(/name/);
  });

  it('refuses what zxcvbn scores below 3 (repeats, keyboard walks, dates), with its warning; the shared rule decides', () => {
    // aaaaaaaa was accepted while password123 was refused (issue 16): both are refused now, by the same score.
    for (const p of ['aaaaaaaa', 'abcdefgh1', 'qwertyuiop', '12345678a', '1990-12-31', 'zzzzzzzzzzzz']) {
      expect([p, passwordProblem(p)]).toEqual([p, expect.stringMatching(/too (easy to guess|common)/)]);
    }
    expect(passwordProblem('aaaaaaaa')).toMatch(/^Repeats like "aaa" are easy to guess\. This password is too easy/);
    expect(weakPasswordMessage({ score: PASSWORD_MIN_SCORE, feedback: { warning: 'x', suggestions: [] } })).toBeNull();
    expect(weakPasswordMessage({ score: PASSWORD_MIN_SCORE - 1, feedback: { warning: '', suggestions: [] } })).toMatch(
      /too easy to guess/,
    );
  });

  it('scores the user context as guessable words, and only the first 100 characters (zxcvbn cost)', () => {
    expect(strengthInputs({ email: 'Ada.Lovelace@example.test', name: 'Ada Lovelace' })).toEqual(
      expect.arrayContaining(['primetrade', 'ada.lovelace@example.test', 'lovelace', 'ada']),
    );
    expect(passwordProblem(`${'x'.repeat(100)}violet staple orbit`)).toMatch(/too easy to guess/);
  });

  it('has no composition rules: random lowercase strings, passphrases and Unicode pass', () => {
    for (const p of [
      'qzmvtrplkw',
      'xkcdstyle tiger orbit lamp',
      'correct horse battery staple',
      'пароль-лисица-сова',
      '🦊🐙🦉🐝🐢🦀🐳🦋',
    ]) {
      expect([p, passwordProblem(p, { email: 'someone@example.test', name: 'Some One' })]).toEqual([p, null]);
    }
  });
});
