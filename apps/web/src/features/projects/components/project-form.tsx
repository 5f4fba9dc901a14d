/** Name and colour of a project: the create dialog and the settings form share these fields. */
import { PROJECT_NAME_MAX } from '@primetrade/shared';
import { TextField } from '../../../components/ui/field';
import { useT } from '../../../lib/i18n';

/** A few colours to pick from (any #rrggbb is accepted by the API). */
export const PROJECT_COLORS = [
  { value: '#4f46e5', key: 'indigo' },
  { value: '#0891b2', key: 'cyan' },
  { value: '#059669', key: 'green' },
  { value: '#d97706', key: 'amber' },
  { value: '#dc2626', key: 'red' },
  { value: '#db2777', key: 'pink' },
  { value: '#7c3aed', key: 'violet' },
  { value: '#475569', key: 'slate' },
] as const;

export function ProjectFields({
  name,
  color,
  onName,
  onColor,
  error,
}: {
  name: string;
  color: string;
  onName: (v: string) => void;
  onColor: (v: string) => void;
  error?: string | undefined;
}) {
  const t = useT('projects');
  return (
    <div className="space-y-4">
      <TextField
        label={t('form.name')}
        name="name"
        value={name}
        onChange={(e) => onName(e.target.value)}
        maxLength={PROJECT_NAME_MAX}
        required
        error={error}
        autoFocus
      />
      <fieldset>
        <legend className="mb-1 block text-sm font-medium text-slate-700 dark:text-slate-200">
          {t('form.colour')}
        </legend>
        <div className="flex flex-wrap gap-2">
          {PROJECT_COLORS.map((c) => (
            <label key={c.value} className="cursor-pointer">
              <input
                type="radio"
                name="color"
                value={c.value}
                checked={color === c.value}
                onChange={() => onColor(c.value)}
                className="peer sr-only"
              />
              <span
                className="block size-7 rounded-full ring-offset-2 peer-checked:ring-2 peer-checked:ring-slate-900 peer-focus-visible:outline-2 peer-focus-visible:outline-indigo-600 dark:ring-offset-slate-900 dark:peer-checked:ring-white"
                style={{ backgroundColor: c.value }}
                title={t(`form.colors.${c.key}`)}
              />
              <span className="sr-only">{t(`form.colors.${c.key}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  );
}
