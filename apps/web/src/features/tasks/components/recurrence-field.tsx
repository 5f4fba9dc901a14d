/**
 * The task form's "Repeat" control. The form holds the recurrence as its JSON text (task-form-values.ts, the json
 * codec); this control reads that text into a choice — None, a preset (Daily/Weekly/Monthly/Yearly every N), or
 * Custom (an RRULE typed in, checked with the shared parser) — and writes the text back on every change. An existing
 * recurrence is left as it is until the user changes something, so saving it unchanged sends the same rule (and its
 * own until/count); a rule with BYDAY/BYMONTHDAY opens as Custom showing the rule.
 */
import {
  normalizeRecurrenceRule,
  parseRecurrenceRule,
  RECURRENCE_FREQS,
  RECURRENCE_INTERVAL_MAX,
  RECURRENCE_MODES,
  type RecurrenceFreq,
  type RecurrenceMode,
  RRULE_MAX,
} from '@primetrade/shared';
import { useState } from 'react';
import { SelectField, TextField } from '../../../components/ui/field';
import { currentLocale, useT } from '../../../lib/i18n';
import { describeRule } from './quick-add-draft';

type Kind = 'none' | RecurrenceFreq | 'custom';

interface Local {
  kind: Kind;
  /** The "every N" input's text (presets). */
  interval: string;
  /** The RRULE input's text (custom). */
  rule: string;
  mode: RecurrenceMode;
}

const KINDS: readonly Kind[] = ['none', ...RECURRENCE_FREQS, 'custom'];

function parseJson(text: string): Record<string, unknown> | null {
  if (text.trim() === '') return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The control's state for the form's text; `custom` keeps Custom chosen even for a rule a preset could show. */
export function readRecurrence(text: string, custom = false): Local {
  const obj = parseJson(text);
  if (!obj) return { kind: 'none', interval: '1', rule: '', mode: 'due' };
  const rule = typeof obj.rule === 'string' ? obj.rule : '';
  const mode: RecurrenceMode = obj.mode === 'completion' ? 'completion' : 'due';
  const parts = parseRecurrenceRule(rule);
  if (custom || typeof parts === 'string' || parts.byDay.length > 0 || parts.byMonthDay.length > 0)
    return { kind: 'custom', interval: typeof parts === 'string' ? '1' : String(parts.interval), rule, mode };
  return { kind: parts.freq, interval: String(parts.interval), rule, mode };
}

/** The preset's rule in the shared parser's normalised form; an interval that is not a number is kept as typed. */
function presetRule(freq: RecurrenceFreq, interval: string): string {
  const n = Number(interval.trim());
  if (Number.isInteger(n) && n >= 1 && n <= RECURRENCE_INTERVAL_MAX)
    return normalizeRecurrenceRule({ freq, interval: n, byDay: [], byMonthDay: [] });
  // Left for the shared schema to refuse, with its message under the field.
  return `FREQ=${freq};INTERVAL=${interval.trim()}`;
}

/** The form's text for the control's state; the existing object's other keys (until, count) keep their place. */
function writeRecurrence(local: Local, previous: string): string {
  if (local.kind === 'none') return '';
  const rule = local.kind === 'custom' ? local.rule : presetRule(local.kind, local.interval);
  const base = parseJson(previous) ?? {};
  return JSON.stringify({ ...base, rule, mode: local.mode });
}

export function RecurrenceField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (text: string) => void;
  error?: string | undefined;
}) {
  const t = useT('tasks');
  const [seen, setSeen] = useState(value);
  const [local, setLocal] = useState(() => readRecurrence(value));
  // The form's value replaced from outside (e.g. a conflict's "edit the newer version"): read it again.
  if (value !== seen) {
    setSeen(value);
    setLocal(readRecurrence(value, local.kind === 'custom'));
  }

  const update = (patch: Partial<Local>) => {
    const next = { ...local, ...patch };
    // Custom starts from the rule the preset stood for, so the choice can be refined.
    if (patch.kind === 'custom' && local.kind !== 'custom' && local.kind !== 'none')
      next.rule = presetRule(local.kind, local.interval);
    const text = writeRecurrence(next, value);
    setLocal(next);
    setSeen(text);
    onChange(text);
  };

  const kindOptions = KINDS.map((k) => ({ value: k, label: t(`form.repeat.kind.${k}`) }));
  const modeOptions = RECURRENCE_MODES.map((m) => ({ value: m, label: t(`form.repeat.mode.${m}`) }));
  const parsed = local.kind === 'custom' ? parseRecurrenceRule(local.rule) : null;
  // The shared parser's reasons are English; another language gets its own sentence naming what is supported.
  const liveError =
    local.kind === 'custom' && local.rule.trim() && typeof parsed === 'string'
      ? currentLocale() === 'en'
        ? parsed
        : t('form.repeat.invalidRule')
      : undefined;

  return (
    <fieldset className="space-y-3" data-testid="recurrence-field">
      <div className="grid grid-cols-2 gap-4">
        <SelectField
          label={t('form.repeat.label')}
          name="recurrence"
          value={local.kind}
          options={kindOptions}
          onChange={(e) => update({ kind: e.target.value as Kind })}
          error={local.kind === 'custom' ? undefined : error}
        />
        {local.kind !== 'none' ? (
          <SelectField
            label={t('form.repeat.modeLabel')}
            name="recurrenceMode"
            value={local.mode}
            options={modeOptions}
            onChange={(e) => update({ mode: e.target.value as RecurrenceMode })}
          />
        ) : null}
      </div>
      {local.kind !== 'none' && local.kind !== 'custom' ? (
        <TextField
          label={t('form.repeat.interval')}
          name="recurrenceInterval"
          type="number"
          inputMode="numeric"
          min={1}
          max={RECURRENCE_INTERVAL_MAX}
          value={local.interval}
          onChange={(e) => update({ interval: e.target.value })}
          hint={t(`form.repeat.unit.${local.kind}`)}
        />
      ) : null}
      {local.kind === 'custom' ? (
        <TextField
          label={t('form.repeat.rule')}
          name="recurrenceRule"
          value={local.rule}
          maxLength={RRULE_MAX}
          spellCheck={false}
          onChange={(e) => update({ rule: e.target.value })}
          error={error ?? liveError}
          hint={
            parsed && typeof parsed !== 'string'
              ? describeRule(normalizeRecurrenceRule(parsed))
              : t('form.repeat.ruleHint')
          }
        />
      ) : null}
    </fieldset>
  );
}
