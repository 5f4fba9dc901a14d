/**
 * The words people read when a value is refused, in one place: zod's default messages ("Too small: expected string
 * to have >=1 characters", `Invalid option: expected one of "pending"|…`) become sentences. Installed as zod's global
 * error map when the contract is imported, so the web forms (validated by these schemas) and the API's 400
 * VALIDATION_FAILED answers say the same thing. A schema's own message (e.g. the password rules) still wins.
 */
import { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

const FORMATS: Record<string, string> = {
  email: 'Enter a valid email address',
  datetime: 'Enter a valid date and time',
  date: 'Enter a valid date',
  uuid: 'This is not a valid id',
  url: 'Enter a valid web address',
};

const plural = (n: number | bigint, one: string, many: string) => `${n} ${Number(n) === 1 ? one : many}`;
const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function humanMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return 'Required';
      return issue.expected === 'number' || issue.expected === 'int'
        ? 'Enter a number'
        : issue.expected === 'string'
          ? 'Enter text'
          : issue.expected === 'boolean'
            ? 'Choose yes or no'
            : issue.expected === 'array'
              ? 'Enter a list'
              : `This value has the wrong type (expected ${issue.expected})`;
    case 'too_small': {
      const min = issue.minimum as number | bigint;
      if (issue.origin === 'string')
        return Number(min) === 1 ? 'Required' : `Enter at least ${plural(min, 'character', 'characters')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Choose at least ${plural(min, 'item', 'items')}`;
      return issue.inclusive ? `Enter ${min} or more` : `Enter more than ${min}`;
    }
    case 'too_big': {
      const max = issue.maximum as number | bigint;
      if (issue.origin === 'string') return `Use at most ${plural(max, 'character', 'characters')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Use at most ${plural(max, 'item', 'items')}`;
      return issue.inclusive ? `Enter ${max} or less` : `Enter less than ${max}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `Must be ${shown(issue.values[0])}`
        : `Choose one of: ${issue.values.map(shown).join(', ')}`;
    case 'invalid_format':
      return FORMATS[issue.format] ?? `This is not a valid ${issue.format}`;
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? `“${issue.keys[0]}” is not a field here`
        : `These are not fields here: ${issue.keys.map((k) => `“${k}”`).join(', ')}`;
    case 'not_multiple_of':
      return `Enter a multiple of ${issue.divisor}`;
    case 'invalid_union':
      return 'This value is not in any accepted form';
    default:
      return undefined;
  }
}

z.config({ customError: humanMessage });

/** A raw zod issue, for another message function (the web's translated one, apps/web/src/lib/validation-messages.ts). */
export type ValidationIssue = Issue;

/** Replace the message function in this process (the web installs its UI-language one; the API keeps English). */
export function setIssueMessages(fn: (issue: ValidationIssue) => string | undefined): void {
  z.config({ customError: fn });
}
