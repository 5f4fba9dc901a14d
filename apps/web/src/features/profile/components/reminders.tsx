import { FormError, SelectField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { usePreferences, useUpdatePreferences } from '../api/preferences';

const LEAD_MINUTES = ['60', '180', '720', '1440', '2880', '10080'] as const;

export function Reminders() {
  const t = useT('profile');
  const toast = useToast();
  const prefs = usePreferences();
  const mutation = useUpdatePreferences();
  if (!prefs.data) return prefs.isError ? <FormError message={errorMessage(prefs.error)} /> : <Spinner />;
  const p = prefs.data;
  const save = (body: { remindersEnabled?: boolean; reminderLeadMinutes?: number }) =>
    mutation.mutate(body, { onSuccess: () => toast(t('reminders.saved'), 'success') });
  const LEAD_TIMES = LEAD_MINUTES.map((value) => ({ value, label: t(`reminders.leads.${value}`) }));
  const leads = LEAD_MINUTES.some((m) => Number(m) === p.reminderLeadMinutes)
    ? LEAD_TIMES
    : [
        ...LEAD_TIMES,
        {
          value: String(p.reminderLeadMinutes),
          label: t('reminders.minutesBefore', { count: p.reminderLeadMinutes }),
        },
      ];
  return (
    <div className="max-w-md space-y-4">
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={p.remindersEnabled}
          onChange={(e) => save({ remindersEnabled: e.currentTarget.checked })}
        />
        {t('reminders.enabled')}
      </label>
      <SelectField
        label={t('reminders.lead')}
        name="reminderLeadMinutes"
        value={String(p.reminderLeadMinutes)}
        options={leads}
        disabled={!p.remindersEnabled}
        onChange={(e) => save({ reminderLeadMinutes: Number(e.currentTarget.value) })}
      />
    </div>
  );
}
