/**
 * Password strength, judged the same way on the server (which refuses) and in the web app (which shows a meter
 * while typing): zxcvbn's guessability score, 0 (too guessable) to 4 (very unguessable), of the password's first
 * 100 characters, with the service's name and the user's email and name as words an attacker would try first.
 * A password must score at least 3 ("safely unguessable: moderate protection from an offline slow-hash
 * scenario"); `aaaaaaaa` (0) and `password123` (0) are refused, `correct horse` (3) and any passphrase of three
 * unrelated words pass. zxcvbn itself is not imported here (the server loads it, the web app loads it lazily):
 * these are the rule's numbers and words.
 */

/** The lowest acceptable zxcvbn score. */
export const PASSWORD_MIN_SCORE = 3;
/** Only this many leading characters are scored: zxcvbn's cost grows quickly with length, and 100 are plenty. */
export const PASSWORD_SCORED_CHARS = 100;

/** What zxcvbn says about a password (the part of its result this rule reads). */
export interface StrengthResult {
  score: number;
  feedback: { warning: string; suggestions: string[] };
}

/** The words zxcvbn should treat as known to an attacker: the service's name, the user's email and name. */
export function strengthInputs(context: { email?: string | undefined; name?: string | undefined }): string[] {
  const words = ['primetrade', 'tasks'];
  const email = context.email?.trim().toLowerCase();
  if (email) words.push(email, ...email.split('@')[0]!.split(/[^\p{L}\p{N}]+/u));
  if (context.name) words.push(...context.name.toLowerCase().split(/\s+/));
  return words.filter((w) => w.length >= 3);
}

/** The refusal message for a result below the bar, or null when the password is strong enough. */
export function weakPasswordMessage(result: StrengthResult): string | null {
  if (result.score >= PASSWORD_MIN_SCORE) return null;
  const warning = result.feedback.warning ? `${result.feedback.warning.replace(/\.$/, '')}. ` : '';
  return `${warning}This password is too easy to guess; a few unrelated words make a strong one`;
}

/** The meter's words for each score. */
export const STRENGTH_LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;
