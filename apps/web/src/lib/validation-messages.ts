/**
 * The shared contract's validation messages (packages/shared/src/messages.ts, English, used by the API) in the UI
 * language: the same cases and placeholders, worded by the `errors` namespace (errors.validation.*). Installed once
 * for this browser process when lib/form.ts is loaded; a schema's own message (e.g. the password rules) still wins.
 */
import { setIssueMessages, type ValidationIssue } from '@primetrade/shared';
import { translate } from './i18n';

const tr = (key: string, opts?: Record<string, unknown>) => translate('errors', `validation.${key}`, opts);
const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const FORMATS = new Set(['email', 'datetime', 'date', 'uuid', 'url']);

export function translatedMessage(issue: ValidationIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return tr('required');
      return issue.expected === 'number' || issue.expected === 'int'
        ? tr('number')
        : issue.expected === 'string'
          ? tr('text')
          : issue.expected === 'boolean'
            ? tr('boolean')
            : issue.expected === 'array'
              ? tr('list')
              : tr('wrongType', { expected: issue.expected });
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min === 1 ? tr('required') : tr('minChars', { count: min });
      if (issue.origin === 'array' || issue.origin === 'set') return tr('minItems', { count: min });
      return tr(issue.inclusive ? 'minInclusive' : 'minExclusive', { min });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return tr('maxChars', { count: max });
      if (issue.origin === 'array' || issue.origin === 'set') return tr('maxItems', { count: max });
      return tr(issue.inclusive ? 'maxInclusive' : 'maxExclusive', { max });
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? tr('mustBe', { value: shown(issue.values[0]) })
        : tr('oneOf', { values: issue.values.map(shown).join(', ') });
    case 'invalid_format':
      return FORMATS.has(issue.format) ? tr(`format.${issue.format}`) : tr('format.other', { format: issue.format });
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? tr('unknownKey', { key: issue.keys[0] })
        : tr('unknownKeys', { keys: issue.keys.map((k) => `“${k}”`).join(', ') });
    case 'not_multiple_of':
      return tr('multipleOf', { divisor: issue.divisor });
    case 'invalid_union':
      return tr('union');
    default:
      return undefined;
  }
}

setIssueMessages(translatedMessage);
