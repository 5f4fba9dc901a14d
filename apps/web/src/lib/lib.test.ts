import { createTaskBody, registerBody } from '@primetrade/shared';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { deviceLabel } from './device-label';
import { fieldLabel, formatDate, formatDay, formatDue, safeRedirect } from './format';
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

describe('deviceLabel', () => {
  it('names browsers and systems, API clients by product, and says so when it cannot tell', () => {
    expect(
      deviceLabel(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome on Linux');
    expect(
      deviceLabel(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(deviceLabel('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe(
      'Firefox on Windows',
    );
    expect(deviceLabel('curl/8.5.0')).toBe('curl');
    expect(deviceLabel('PostmanRuntime/7.39.0')).toBe('PostmanRuntime');
    expect(deviceLabel('Mozilla/5.0')).toBe('Unknown device');
    expect(deviceLabel(null)).toBe('Unknown device');
    expect(deviceLabel('   ')).toBe('Unknown device');
  });
});

describe('words for fields and due dates', () => {
  it('names fields as people say them', () => {
    expect(fieldLabel('dueDate')).toBe('Due date');
    expect(fieldLabel('completedAt')).toBe('Completed at');
    expect(fieldLabel('title')).toBe('Title');
  });

  it('shows a due time unless the task is due at local midnight (all day)', () => {
    const allDay = new Date(2026, 11, 31, 0, 0).toISOString();
    const atFive = new Date(2026, 11, 31, 17, 30).toISOString();
    expect(formatDue(allDay)).not.toMatch(/\d:\d\d/);
    expect(formatDue(atFive)).toMatch(/5:30|17:30/);
    expect(formatDue(null)).toBe('');
  });

  it('writes the stats’ calendar days like every other date (not as YYYY-MM-DD)', () => {
    expect(formatDay('2026-12-31')).toBe(formatDate(new Date(2026, 11, 31).toISOString()));
    expect(formatDay('2026-12-31')).not.toBe('2026-12-31');
  });
});
