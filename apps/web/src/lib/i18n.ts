/**
 * Translations (i18next + react-i18next). Every string a person reads comes from apps/web/src/locales/<lang>/<ns>.json
 * — one namespace per area (common, shell, auth, tasks, dashboard, profile, admin, projects, views, errors) — through
 * `useT(ns)` in components or `translate(ns, key)` outside React. English is bundled (the fallback); every other
 * language is a lazy chunk loaded before the first render. The choice is kept in localStorage and follows the
 * browser's languages until the user picks one. Dates and numbers go through Intl with `currentLocale()`
 * (lib/format.ts). locales.test.ts keeps every language's keys and placeholders equal to English's;
 * i18n-coverage.test.ts fails on text in JSX that does not go through a translation.
 */
import i18next, { type FormatterModule } from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import en from '../locales/en';

export const LANGUAGES = { en: 'English', de: 'Deutsch' } as const;
export type Language = keyof typeof LANGUAGES;
export type Namespace = keyof typeof en;

const STORAGE_KEY = 'pt-language';
const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Record<string, object> }>> = {
  de: () => import('../locales/de'),
};

const isLanguage = (value: unknown): value is Language => typeof value === 'string' && value in LANGUAGES;

/** The stored choice, else the first of the browser's languages we have, else English. */
export function detectLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    /* storage unavailable: follow the browser */
  }
  const wanted = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const tag of wanted) {
    const base = tag?.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

async function ensureLoaded(lang: Language): Promise<void> {
  if (lang === 'en' || i18next.hasResourceBundle(lang, 'common')) return;
  const bundle = (await loaders[lang]()).default;
  for (const [ns, resources] of Object.entries(bundle)) i18next.addResourceBundle(lang, ns, resources, true, true);
}

/**
 * Every number put into a text (`{{count}} tasks`, `{{total}}` …) is written the language's way through Intl
 * (1,234 / 1.234): i18next's formatter, run on every interpolated value (`alwaysFormat`). Other values pass as they are.
 */
const intlFormatter: FormatterModule = {
  type: 'formatter',
  init() {},
  add() {},
  addCached() {},
  format: (value, _format, lng) => (typeof value === 'number' ? new Intl.NumberFormat(lng).format(value) : value),
};

/** Start i18next (before the first render): English bundled, the detected language loaded. */
export async function initI18n(lang: Language = detectLanguage()): Promise<void> {
  if (!i18next.isInitialized) {
    await i18next
      .use(initReactI18next)
      .use(intlFormatter)
      .init({
        lng: 'en',
        fallbackLng: 'en',
        defaultNS: 'common',
        ns: Object.keys(en),
        resources: { en },
        interpolation: { escapeValue: false, alwaysFormat: true }, // React escapes
        returnNull: false,
      });
  }
  await setLanguage(lang, { remember: false });
}

/** Switch the UI language (loading it first); remembered for this browser unless `remember` is false. */
export async function setLanguage(lang: Language, opts: { remember?: boolean } = {}): Promise<void> {
  await ensureLoaded(lang);
  await i18next.changeLanguage(lang);
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  if (opts.remember !== false) {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      /* not remembered */
    }
  }
}

/** The language in use, for Intl (dates, numbers, lists). */
export function currentLocale(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}

/** `t` for one namespace, re-rendering on a language change. */
export function useT(ns: Namespace) {
  return useTranslation(ns).t;
}

/** Outside React (toasts from mutation callbacks, document titles): the current language's string. */
export function translate(ns: Namespace, key: string, options?: Record<string, unknown>): string {
  // Called at a module's top level before initI18n ran (i18next answers undefined then): the fallback, else the key.
  if (!i18next.isInitialized) return typeof options?.defaultValue === 'string' ? options.defaultValue : key;
  return i18next.t(key, { ns, ...options });
}
