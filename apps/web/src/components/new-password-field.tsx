/**
 * A field for choosing a password, with a strength meter that applies the server's own rule while the user types
 * (packages/shared/src/password-strength.ts: zxcvbn's score, at least PASSWORD_MIN_SCORE). zxcvbn (~400 KB with
 * its dictionaries) is loaded on the first keystroke, never with the page.
 */
import {
  PASSWORD_MIN_SCORE,
  PASSWORD_SCORED_CHARS,
  STRENGTH_LABELS,
  type StrengthResult,
  strengthInputs,
  weakPasswordMessage,
} from '@primetrade/shared';
import { type InputHTMLAttributes, useEffect, useState } from 'react';
import { cn } from '../lib/cn';
import { currentLocale, translate, useT } from '../lib/i18n';
import { TextField } from './ui/field';

type Scorer = (password: string, inputs: string[]) => StrengthResult;
let scorer: Promise<Scorer> | undefined;
const loadScorer = () => {
  scorer ??= import('zxcvbn').then((m) => (m.default ?? m) as unknown as Scorer);
  return scorer;
};

export interface Strength {
  score: number;
  label: string;
  /** Why it is refused, or null when it passes the server's rule. */
  problem: string | null;
}

/** The strength of `password` by the shared rule; null while empty or while zxcvbn loads. */
export function usePasswordStrength(password: string, context: { email?: string; name?: string }): Strength | null {
  const [strength, setStrength] = useState<Strength | null>(null);
  const { email, name } = context;
  useEffect(() => {
    if (!password) {
      setStrength(null);
      return;
    }
    let current = true;
    void loadScorer().then((score) => {
      if (!current) return;
      const result = score([...password].slice(0, PASSWORD_SCORED_CHARS).join(''), strengthInputs({ email, name }));
      setStrength({
        score: result.score,
        label: translate('common', `password.strength.${result.score}`, {
          defaultValue: STRENGTH_LABELS[result.score] ?? '',
        }),
        problem: weakProblem(result),
      });
    });
    return () => {
      current = false;
    };
  }, [password, email, name]);
  return strength;
}

/**
 * Why a password is refused, in the UI's language: the server's English sentence (zxcvbn's own warning first) in
 * English; in another language the translated sentence alone, since zxcvbn's warnings exist only in English.
 */
export function weakProblem(result: StrengthResult): string | null {
  if (result.score >= PASSWORD_MIN_SCORE) return null;
  if (currentLocale() === 'en') return weakPasswordMessage(result);
  return translate('common', 'password.tooEasy');
}

const BAR = ['bg-red-600', 'bg-red-600', 'bg-amber-500', 'bg-emerald-600', 'bg-emerald-600'];

export function StrengthMeter({ strength, id }: { strength: Strength | null; id: string }) {
  const t = useT('common');
  return (
    <div id={id} aria-live="polite" className="space-y-1" data-testid="password-strength">
      {strength ? (
        <>
          <div className="flex gap-1" aria-hidden="true">
            {[1, 2, 3, 4].map((i) => (
              <span
                key={i}
                className={cn(
                  'h-1.5 flex-1 rounded-full',
                  strength.score >= i ? BAR[strength.score] : 'bg-slate-200 dark:bg-slate-700',
                )}
              />
            ))}
          </div>
          <p
            className={cn(
              'text-xs',
              strength.score >= PASSWORD_MIN_SCORE
                ? 'text-emerald-700 dark:text-emerald-300'
                : 'text-red-700 dark:text-red-300',
            )}
          >
            <span className="font-medium">
              {t(`password.strength.${strength.score}`, { defaultValue: strength.label })}
            </span>
            {strength.problem ? ` — ${strength.problem}.` : ` — ${t('password.ok')}`}
          </p>
        </>
      ) : null}
    </div>
  );
}

/** TextField for a new password (type=password, autocomplete new-password) with the meter under it. */
export function NewPasswordField({
  email,
  userName,
  error,
  label,
  hint,
  ...rest
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  /** The user's email and name, which make a password guessable (the server counts them too). */
  email?: string;
  userName?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const t = useT('common');
  const [value, setValue] = useState('');
  const strength = usePasswordStrength(value, {
    ...(email ? { email } : {}),
    ...(userName ? { name: userName } : {}),
  });
  const meterId = `${rest.name ?? 'password'}-strength`;
  return (
    <div className="space-y-1">
      <TextField
        {...rest}
        label={label}
        type="password"
        autoComplete="new-password"
        error={error}
        hint={strength ? undefined : (hint ?? t('password.hint'))}
        {...(strength && !error ? { 'aria-describedby': meterId } : {})}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      {error ? null : <StrengthMeter strength={strength} id={meterId} />}
    </div>
  );
}
