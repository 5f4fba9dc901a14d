import { useT } from '../../lib/i18n';
import { THEME_PREFERENCES, type ThemePreference, useThemePreference } from '../../lib/theme';

/**
 * Light / dark / system: a native select, so it is reachable and operable with the keyboard as is. `className`
 * places it (the header shows it from sm up; on phones it is in the menu drawer, so the header stays one line).
 */
export function ThemeSwitch({ className = '' }: { className?: string }) {
  const t = useT('common');
  const [pref, setPref] = useThemePreference();
  return (
    <label className={`flex items-center ${className}`}>
      <span className="sr-only">{t('theme.label')}</span>
      <select
        data-testid="theme-switch"
        value={pref}
        onChange={(e) => setPref(e.target.value as ThemePreference)}
        className="rounded-md border border-slate-300 bg-white py-1.5 pr-7 pl-2 text-sm text-slate-800 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
      >
        {THEME_PREFERENCES.map((p) => (
          <option key={p} value={p}>
            {t(`theme.${p}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
