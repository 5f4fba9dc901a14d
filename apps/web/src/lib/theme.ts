/**
 * Colour theme: the user's preference (light, dark or system) is kept in localStorage; "system" follows the
 * `prefers-color-scheme` media query, live. The resolved theme is applied to <html> as the `dark` class (Tailwind's
 * `dark:` variant, see styles.css) and `color-scheme` (so native controls and scrollbars follow).
 *
 * Before the first paint the same is done by public/theme-init.js, a classic blocking script loaded from
 * index.html's <head> (the CSP has `script-src 'self'`: no inline script). Keep the two in step: theme.test.ts
 * runs that file against the same cases.
 */
import { useCallback, useSyncExternalStore } from 'react';

export type ThemePreference = 'light' | 'dark' | 'system';
export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'primetrade-theme';
export const THEME_PREFERENCES: readonly ThemePreference[] = ['system', 'light', 'dark'];
const DARK_QUERY = '(prefers-color-scheme: dark)';

const isPreference = (v: unknown): v is ThemePreference => v === 'light' || v === 'dark' || v === 'system';

export function readPreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(THEME_STORAGE_KEY);
    return isPreference(stored) ? stored : 'system';
  } catch {
    return 'system'; // storage disabled
  }
}

const systemDark = () => typeof matchMedia === 'function' && matchMedia(DARK_QUERY).matches;

export function resolveTheme(pref: ThemePreference = readPreference()): Theme {
  if (pref === 'system') return systemDark() ? 'dark' : 'light';
  return pref;
}

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.classList.toggle('dark', theme === 'dark');
  root.style.colorScheme = theme;
}

const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};

export function setPreference(pref: ThemePreference): void {
  try {
    if (pref === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, pref);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  current = pref;
  applyTheme(resolveTheme(pref));
  notify();
}

let current: ThemePreference | undefined;
const getPreference = () => {
  current ??= readPreference();
  return current;
};

/**
 * Keeps <html> in step with the preference: the system theme when it changes (while on "system") and a choice
 * made in another tab (the storage event). Returns the unsubscribe function.
 */
export function watchTheme(): () => void {
  applyTheme(resolveTheme(getPreference()));
  const media = typeof matchMedia === 'function' ? matchMedia(DARK_QUERY) : undefined;
  const onSystem = () => {
    if (getPreference() === 'system') applyTheme(resolveTheme('system'));
  };
  const onStorage = (e: StorageEvent) => {
    if (e.key !== THEME_STORAGE_KEY && e.key !== null) return;
    current = readPreference();
    applyTheme(resolveTheme(current));
    notify();
  };
  media?.addEventListener('change', onSystem);
  window.addEventListener('storage', onStorage);
  return () => {
    media?.removeEventListener('change', onSystem);
    window.removeEventListener('storage', onStorage);
  };
}

const subscribe = (cb: () => void) => {
  listeners.add(cb);
  return () => listeners.delete(cb);
};

/** The current preference and a setter, for the theme switch. */
export function useThemePreference(): [ThemePreference, (pref: ThemePreference) => void] {
  const pref = useSyncExternalStore(subscribe, getPreference, () => 'system' as const);
  return [pref, useCallback((p: ThemePreference) => setPreference(p), [])];
}

/** For tests: forget the cached preference. */
export function resetThemeForTests(): void {
  current = undefined;
}
