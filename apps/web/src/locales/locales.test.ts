/**
 * Every language is complete: the same namespaces and keys as English, no empty string, and the same
 * {{placeholders}} in each string (a translation that drops one would show a raw value or lose it).
 */
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../lib/i18n';
import de from './de';
import en from './en';

type Tree = { [key: string]: string | Tree };

/** `a.b.c` → string, for every leaf. */
export function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

/** What is wrong with `other` against the source: missing, extra, empty, placeholder mismatches. */
export function problems(source: Tree, other: Tree): string[] {
  const a = leaves(source);
  const b = leaves(other);
  const out: string[] = [];
  for (const [k, v] of a) {
    const t = b.get(k);
    if (t === undefined) out.push(`missing ${k}`);
    else if (!t.trim()) out.push(`empty ${k}`);
    else if (placeholders(v).join() !== placeholders(t).join()) out.push(`placeholders differ in ${k}`);
  }
  for (const k of b.keys()) if (!a.has(k)) out.push(`extra ${k}`);
  for (const [k, v] of a) if (!v.trim()) out.push(`empty source ${k}`);
  return out;
}

describe('translations', () => {
  it('the bundles are the languages offered', () => {
    expect(Object.keys(LANGUAGES).sort()).toEqual(['de', 'en']);
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('German has every English key, no empty string, the same placeholders', () => {
    expect(problems(en as unknown as Tree, de as unknown as Tree)).toEqual([]);
  });

  it('the check finds a missing key, an empty string and a dropped placeholder (planted)', () => {
    const source = { a: { b: 'Hello {{name}}', c: 'Bye' } };
    expect(problems(source, { a: { b: 'Hallo', c: '' } })).toEqual(['placeholders differ in a.b', 'empty a.c']);
    expect(problems(source, { a: { b: 'Hallo {{name}}' } })).toEqual(['missing a.c']);
  });
});
