// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readCookie } from './cookies';

/** What the browser's document.cookie would hold (a jar on http://localhost refuses to store `__Host-` names). */
const jar = (value: string) => vi.spyOn(document, 'cookie', 'get').mockReturnValue(value);

describe('readCookie', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads the plain name (http://localhost)', () => {
    jar('theme=dark; csrf_token=plain%2Dvalue');
    expect(readCookie('csrf_token')).toBe('plain-value');
  });

  it('reads the __Host- name the server sets over https, and prefers it to a plain one', () => {
    jar('__Host-csrf_token=host-value');
    expect(readCookie('csrf_token')).toBe('host-value');
    // A plain csrf_token next to it may have been planted by a sibling subdomain: the prefixed one wins.
    jar('csrf_token=planted; __Host-csrf_token=host-value');
    expect(readCookie('csrf_token')).toBe('host-value');
  });

  it('is undefined when neither is there', () => {
    jar('x_csrf_token=a; csrf_tokens=b');
    expect(readCookie('csrf_token')).toBeUndefined();
  });
});
