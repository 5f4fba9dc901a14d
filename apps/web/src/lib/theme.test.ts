// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  readPreference,
  resetThemeForTests,
  resolveTheme,
  setPreference,
  THEME_STORAGE_KEY,
  watchTheme,
} from './theme';

/** A controllable `prefers-color-scheme: dark` media query. */
function fakeSystem(dark: boolean) {
  const listeners = new Set<(e: { matches: boolean }) => void>();
  const mql = {
    matches: dark,
    media: '(prefers-color-scheme: dark)',
    addEventListener: (_: string, l: (e: { matches: boolean }) => void) => listeners.add(l),
    removeEventListener: (_: string, l: (e: { matches: boolean }) => void) => listeners.delete(l),
  };
  vi.stubGlobal(
    'matchMedia',
    vi.fn((q: string) => (q === '(prefers-color-scheme: dark)' ? mql : { ...mql, matches: false })),
  );
  return {
    set(next: boolean) {
      mql.matches = next;
      for (const l of listeners) l({ matches: next });
    },
    listeners,
  };
}

const html = () => document.documentElement;
const initScript = readFileSync(path.resolve(import.meta.dirname, '../../public/theme-init.js'), 'utf8');
const runInitScript = () => new Function(initScript)();

beforeEach(() => {
  localStorage.clear();
  html().className = '';
  html().style.colorScheme = '';
  resetThemeForTests();
});
afterEach(() => vi.unstubAllGlobals());

describe('theme', () => {
  it('system (the default) follows matchMedia, live, and sets color-scheme', () => {
    const system = fakeSystem(false);
    expect(readPreference()).toBe('system');
    const stop = watchTheme();
    expect(html().classList.contains('dark')).toBe(false);
    expect(html().style.colorScheme).toBe('light');
    system.set(true);
    expect(html().classList.contains('dark')).toBe(true);
    expect(html().style.colorScheme).toBe('dark');
    system.set(false);
    expect(html().classList.contains('dark')).toBe(false);
    stop();
    expect(system.listeners.size).toBe(0);
  });

  it('an explicit choice is persisted, applied to <html>, and wins over the system', () => {
    const system = fakeSystem(true);
    const stop = watchTheme();
    expect(html().classList.contains('dark')).toBe(true);
    setPreference('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
    expect(html().classList.contains('dark')).toBe(false);
    system.set(true); // the system changing does not override an explicit choice
    expect(html().classList.contains('dark')).toBe(false);
    // a reload reads it back
    resetThemeForTests();
    expect(readPreference()).toBe('light');
    expect(resolveTheme()).toBe('light');
    setPreference('dark');
    expect(html().classList.contains('dark')).toBe(true);
    expect(html().style.colorScheme).toBe('dark');
    // back to system: the stored value is removed and the system rules again
    setPreference('system');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
    system.set(false);
    expect(html().classList.contains('dark')).toBe(false);
    stop();
  });

  it('an unknown stored value counts as system', () => {
    fakeSystem(true);
    localStorage.setItem(THEME_STORAGE_KEY, 'purple');
    expect(readPreference()).toBe('system');
    expect(resolveTheme()).toBe('dark');
  });

  it('public/theme-init.js (run before paint) resolves every case as theme.ts does', () => {
    for (const stored of [null, 'light', 'dark', 'system', 'purple']) {
      for (const dark of [false, true]) {
        fakeSystem(dark);
        localStorage.clear();
        if (stored) localStorage.setItem(THEME_STORAGE_KEY, stored);
        html().className = '';
        runInitScript();
        const expected = resolveTheme(readPreference());
        expect([stored, dark, html().classList.contains('dark')]).toEqual([stored, dark, expected === 'dark']);
        expect(html().style.colorScheme).toBe(expected);
      }
    }
  });
});
