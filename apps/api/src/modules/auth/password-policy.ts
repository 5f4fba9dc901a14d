/**
 * Password rules beyond length (which the shared passwordSchema checks): no common password (the 30,000 most
 * common passwords shipped as data by the zxcvbn package), not the product's name, not the user's own email or
 * name, and a zxcvbn score of at least PASSWORD_MIN_SCORE — the rule in packages/shared/src/password-strength.ts
 * that the web app's meter applies too. No composition rules (NIST 800-63B).
 */
import { createRequire } from 'node:module';
import { PASSWORD_SCORED_CHARS, type StrengthResult, strengthInputs, weakPasswordMessage } from '@primetrade/shared';
import type { FieldError } from '../../lib/errors';

const load = createRequire(import.meta.url);

let common: Set<string> | undefined;
/** The shipped list, loaded on first use (≈ 30,000 entries). */
export function commonPasswords(): Set<string> {
  if (!common) {
    const lists = load('zxcvbn/lib/frequency_lists.js') as { passwords: string[] };
    common = new Set(lists.passwords.map((p) => p.toLowerCase()));
  }
  return common;
}

/** Words that make a password guessable in this context. */
const PRODUCT_WORDS = ['primetrade', 'primetradetasks', 'primetrade tasks'];

const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

export interface PasswordContext {
  email?: string | undefined;
  name?: string | undefined;
}

/** Why this password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
  const lower = password.toLowerCase();
  const squashed = squash(password);
  const list = commonPasswords();
  // The list itself, the password with separators removed, and the word with trailing digits/symbols removed.
  const stem = lower.replace(/[^\p{L}]+$/u, '');
  if (list.has(lower) || list.has(squashed) || (stem.length >= 4 && list.has(stem))) {
    return 'This password is too common; choose one that is harder to guess (a few unrelated words work well)';
  }
  if (PRODUCT_WORDS.some((w) => squashed.includes(squash(w)))) {
    return 'The password must not contain the name of this service';
  }
  const email = context.email?.toLowerCase();
  if (email) {
    const local = squash(email.split('@')[0] ?? '');
    if (lower === email || squashed === squash(email) || (local.length >= 4 && squashed.includes(local))) {
      return 'The password must not contain your email address';
    }
  }
  const name = context.name ? squash(context.name) : '';
  if (name.length >= 4 && squashed.includes(name)) return 'The password must not contain your name';
  const score = load('zxcvbn') as (password: string, inputs: string[]) => StrengthResult;
  return weakPasswordMessage(score([...password].slice(0, PASSWORD_SCORED_CHARS).join(''), strengthInputs(context)));
}

/** The contract's errors[] entry for a refused password, or null. */
export function checkPassword(password: string, path: string, context: PasswordContext = {}): FieldError[] | null {
  const problem = passwordProblem(password, context);
  return problem ? [{ path, message: problem }] : null;
}
