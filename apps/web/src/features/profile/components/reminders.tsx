import { FormError, SelectField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { usePreferences, useUpdatePreferences } from '../api/preferences';

const LEAD_TIMES = [
  { value: '60', label: '1 hour before' },
  { value: '180', label: '3 hours before' },
  { value: '720', label: '12 hours before' },
  { value: '1440', label: '1 day before' },
  { value: '2880', label: '2 days before' },
  { value: '10080', label: '1 week before' },
];

export function Reminders() {
  const toast = useToast();
  const prefs = usePreferences();
  const mutation = useUpdatePreferences();
  if (!prefs.data) return prefs.isError ? <FormError message={errorMessage(prefs.error)} /> : <Spinner />;
  const p = prefs.data;
  const save = (body: { remindersEnabled?: boolean; reminderLeadMinutes?: number }) =>
    mutation.mutate(body, { onSuccess: () => toast('Reminder settings saved', 'success') });
  const leads = LEAD_TIMES.some((l) => Number(l.value) === p.reminderLeadMinutes)
    ? LEAD_TIMES
    : [...LEAD_TIMES, { value: String(p.reminderLeadMinutes), label: `${p.reminderLeadMinutes} minutes before` }];
  return (
    <div className="max-w-md space-y-4">
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={p.remindersEnabled}
          onChange={(e) => save({ remindersEnabled: e.currentTarget.checked })}
        />
        Email me about tasks that are due soon or overdue
      </label>
      <SelectField
        label="Due-soon reminder"
        name="reminderLeadMinutes"
        value={String(p.reminderLeadMinutes)}
        options={leads}
        disabled={!p.remindersEnabled}
        onChange={(e) => save({ reminderLeadMinutes: Number(e.currentTarget.value) })}
      />
    </div>
  );
}
