import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { deviceLabel } from '../../../lib/device-label';
import { formatDateTime } from '../../../lib/format';
import { translate, useT } from '../../../lib/i18n';
import { useMyActivity } from '../api/mfa';

/** Plain words (profile.json activity.types, the dots of the type as underscores) for the audit event types a person
 * sees about their own account; an unknown type is shown as it is. */
export const activityLabel = (type: string) =>
  translate('profile', `activity.types.${type.replaceAll('.', '_')}`, { defaultValue: type });

/** "Your activity": the latest security events of the signed-in account. */
export function Activity() {
  const t = useT('profile');
  const activity = useMyActivity();
  if (activity.isPending) return <Spinner label={t('activity.loading')} />;
  if (activity.isError) return <FormError message={errorMessage(activity.error)} />;
  if (activity.data.length === 0) return <p className="text-sm">{t('activity.empty')}</p>;
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-700" aria-label={t('activity.list')}>
      {activity.data.map((e) => (
        <li key={e.id} className="py-2 text-sm">
          <p className="font-medium">{activityLabel(e.type)}</p>
          <p className="text-xs text-slate-600 dark:text-slate-300">
            {formatDateTime(e.at)} · {e.ip ?? t('activity.unknownAddress')} · {deviceLabel(e.userAgent)}
          </p>
        </li>
      ))}
    </ul>
  );
}
