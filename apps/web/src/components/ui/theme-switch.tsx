import { THEME_PREFERENCES, type ThemePreference, useThemePreference } from '../../lib/theme';

const LABELS: Record<ThemePreference, string> = { system: 'System theme', light: 'Light', dark: 'Dark' };

/** Light / dark / system: a native select, so it is reachable and operable with the keyboard as is. */
export function ThemeSwitch() {
  const [pref, setPref] = useThemePreference();
  return (
    <label className="flex items-center">
      <span className="sr-only">Colour theme</span>
      <select
        data-testid="theme-switch"
        value={pref}
        onChange={(e) => setPref(e.target.value as ThemePreference)}
        className="rounded-md border border-slate-300 bg-white py-1.5 pr-7 pl-2 text-sm text-slate-800 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
      >
        {THEME_PREFERENCES.map((p) => (
          <option key={p} value={p}>
            {LABELS[p]}
          </option>
        ))}
      </select>
    </label>
  );
}
