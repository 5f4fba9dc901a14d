import { createTaskBody, registerBody } from '@primetrade/shared';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { safeRedirect } from './format';
import { validate } from './form';
import { retryDelay, shouldRetry } from './query-client';

describe('retry policy', () => {
  it('retries network failures and 503 a few times, never a 4xx', () => {
    expect(shouldRetry(0, new ApiError(0, 'NETWORK_ERROR', 'x'))).toBe(true);
    expect(shouldRetry(2, new ApiError(503, 'SERVICE_UNAVAILABLE', 'x'))).toBe(true);
    expect(shouldRetry(3, new ApiError(503, 'SERVICE_UNAVAILABLE', 'x'))).toBe(false);
    for (const status of [400, 401, 403, 404, 409, 412, 429]) {
      expect(shouldRetry(0, new ApiError(status, 'X', 'x'))).toBe(false);
    }
    expect(shouldRetry(0, new ApiError(500, 'INTERNAL_ERROR', 'x'))).toBe(false);
    expect(shouldRetry(0, new Error('boom'))).toBe(false);
  });

  it('backs off exponentially with a cap', () => {
    expect(retryDelay(0)).toBeGreaterThanOrEqual(500);
    expect(retryDelay(1)).toBeGreaterThanOrEqual(1000);
    expect(retryDelay(10)).toBeLessThanOrEqual(8_250);
  });
});

describe('redirect targets', () => {
  it('allows only paths on this origin', () => {
    expect(safeRedirect('/tasks?status=pending')).toBe('/tasks?status=pending');
    expect(safeRedirect('//evil.example/')).toBe('/dashboard');
    expect(safeRedirect('https://evil.example/')).toBe('/dashboard');
    expect(safeRedirect('/\\evil.example')).toBe('/dashboard');
    expect(safeRedirect(undefined)).toBe('/dashboard');
  });
});

describe('forms validate with the shared schemas', () => {
  it('reports the first message per field', () => {
    const r = validate(registerBody, { name: '', email: 'nope', password: 'short' });
    expect(Object.keys(r.errors ?? {}).sort()).toEqual(['email', 'name', 'password']);
  });

  it('returns the parsed data (defaults and normalisation applied)', () => {
    const r = validate(createTaskBody, { title: '  Ship it  ', tags: ['A', 'a'] });
    expect(r.data).toMatchObject({ title: 'Ship it', tags: ['a'], status: 'pending', priority: 'medium' });
  });
});
