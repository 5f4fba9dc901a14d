/**
 * The task form's "Reminders" control (issue 17 item 2). The form holds the reminders as the JSON text of the list
 * (task-form-values.ts, the json-list codec; empty text: none); this control shows one row per reminder — a lead
 * before the due date (presets, and any other lead the task already has) or "At a time" with its date-time input —
 * with a remove button, and an add button up to REMINDERS_MAX. A `before` reminder needs a due date: the form says
 * so before sending (the API answers 400 otherwise).
 */
import { formatReminderDuration, parseReminderDuration, type Reminder, REMINDERS_MAX } from '@primetrade/shared';
import { Button } from '../../../components/ui/button';
import { SelectField, TextField } from '../../../components/ui/field';
import { fromLocalInput, toLocalInput } from '../../../lib/format';
import { useT } from '../../../lib/i18n';

/** The leads offered (ISO 8601 durations, the shortest form the API stores). */
export const REMINDER_PRESETS = ['PT15M', 'PT30M', 'PT1H', 'PT2H', 'P1D', 'P2D', 'P7D'] as const;
const AT = 'at';

/** The list the form's text stands for ([] for empty or unreadable text). */
export function readReminders(text: string): Reminder[] {
  if (text.trim() === '') return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as Reminder[]) : [];
  } catch {
    return [];
  }
}

const writeReminders = (list: Reminder[]): string => (list.length ? JSON.stringify(list) : '');

/** A lead as words: "15 minutes", "1 hour 30 minutes", "2 days" (in the form's language). */
function leadLabel(iso: string, t: ReturnType<typeof useT>): string {
  const minutes = parseReminderDuration(iso);
  if (typeof minutes === 'string') return iso;
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [
    d ? t('form.reminders.days', { count: d }) : '',
    h ? t('form.reminders.hours', { count: h }) : '',
    m ? t('form.reminders.minutes', { count: m }) : '',
  ].filter(Boolean);
  return t('form.reminders.before', { lead: parts.join(' ') });
}

export function RemindersField({
  value,
  onChange,
  dueDate,
  error,
}: {
  value: string;
  onChange: (text: string) => void;
  /** The form's due date text ('' for none): a new reminder is "before" with one, "at" without. */
  dueDate: string;
  error?: string | undefined;
}) {
  const t = useT('tasks');
  const list = readReminders(value);
  const set = (next: Reminder[]) => onChange(writeReminders(next));
  const replace = (i: number, r: Reminder) => set(list.map((x, j) => (j === i ? r : x)));
  const add = () => {
    const inAnHour = new Date(Date.now() + 3_600_000);
    inAnHour.setSeconds(0, 0);
    set([...list, dueDate.trim() ? { before: 'PT1H' } : { at: inAnHour.toISOString() }]);
  };

  return (
    <fieldset className="space-y-2" data-testid="reminders-field">
      <legend className="text-sm font-medium">{t('form.reminders.label')}</legend>
      {list.length === 0 ? <p className="text-sm text-muted-foreground">{t('form.reminders.none')}</p> : null}
      {list.map((r, i) => {
        const choice = 'at' in r ? AT : r.before;
        const leads = [
          ...REMINDER_PRESETS,
          ...('before' in r && !REMINDER_PRESETS.includes(r.before as never) ? [r.before] : []),
        ];
        const options = [
          ...leads.map((l) => ({ value: l, label: leadLabel(l, t) })),
          { value: AT, label: t('form.reminders.atTime') },
        ];
        const n = i + 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a reminder has no id; rows are edited in place
          <div key={i} className="flex items-end gap-2">
            <SelectField
              label={t('form.reminders.when', { n })}
              name={`reminder${n}`}
              value={choice}
              options={options}
              onChange={(e) => {
                const v = e.target.value;
                if (v === AT) {
                  const base = dueDate.trim() ? fromLocalInput(dueDate) : null;
                  replace(i, { at: typeof base === 'string' ? base : new Date(Date.now() + 3_600_000).toISOString() });
                } else replace(i, { before: formatReminderDuration(parseReminderDuration(v) as number) });
              }}
            />
            {'at' in r ? (
              <TextField
                label={t('form.reminders.atLabel', { n })}
                name={`reminder${n}At`}
                type="datetime-local"
                value={toLocalInput(r.at)}
                onChange={(e) => {
                  const at = fromLocalInput(e.target.value);
                  if (typeof at === 'string') replace(i, { at });
                }}
              />
            ) : null}
            <Button
              type="button"
              variant="ghost"
              aria-label={t('form.reminders.remove', { n })}
              onClick={() => set(list.filter((_, j) => j !== i))}
            >
              {t('form.reminders.removeShort')}
            </Button>
          </div>
        );
      })}
      {error ? (
        <p className="text-sm text-destructive" role="alert">
          {error}
        </p>
      ) : null}
      {list.length < REMINDERS_MAX ? (
        <Button type="button" variant="secondary" onClick={add}>
          {t('form.reminders.add')}
        </Button>
      ) : null}
    </fieldset>
  );
}
