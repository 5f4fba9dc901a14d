import { useTranslation } from 'react-i18next';
import { currentLocale, LANGUAGES, type Language, setLanguage, useT } from '../../lib/i18n';

/** The UI language: a native select (keyboard-operable as is); the choice is remembered on this device. */
export function LanguageSelect({ className = '' }: { className?: string }) {
  const t = useT('common');
  useTranslation(); // re-render on a language change
  return (
    <label className={`flex items-center ${className}`}>
      <span className="sr-only">{t('language')}</span>
      <select
        data-testid="language-select"
        value={currentLocale()}
        onChange={(e) => void setLanguage(e.target.value as Language)}
        className="rounded-md border border-slate-300 bg-white py-1.5 pr-7 pl-2 text-sm text-slate-800 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
      >
        {(Object.keys(LANGUAGES) as Language[]).map((lang) => (
          <option key={lang} value={lang} lang={lang}>
            {LANGUAGES[lang]}
          </option>
        ))}
      </select>
    </label>
  );
}
