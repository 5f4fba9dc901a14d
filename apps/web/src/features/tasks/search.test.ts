import { describe, expect, it } from 'vitest';
import { parseTaskSearch, toApiFilters } from './search';

describe('task URL state', () => {
  it('keeps only valid values', () => {
    expect(
      parseTaskSearch({
        q: 'report',
        status: 'pending,bogus,completed,pending',
        priority: 'nope',
        tag: 'Work',
        dueAfter: '2030-01-02',
        dueBefore: 'tomorrow',
        overdue: 'true',
        sort: 'DROP TABLE',
      }),
    ).toEqual({ q: 'report', status: 'pending,completed', tag: 'work', dueAfter: '2030-01-02', overdue: true });
  });

  it('accepts every sort the API knows and nothing else', () => {
    expect(parseTaskSearch({ sort: '-priority' }).sort).toBe('-priority');
    expect(parseTaskSearch({ sort: 'priority;' }).sort).toBeUndefined();
  });

  it('turns the date range into ISO bounds of whole local days', () => {
    const f = toApiFilters({ dueAfter: '2030-01-02', dueBefore: '2030-01-03', overdue: true });
    expect(new Date(f.dueAfter ?? '').getTime()).toBe(new Date('2030-01-02T00:00:00').getTime());
    expect(new Date(f.dueBefore ?? '').getTime()).toBe(new Date('2030-01-03T23:59:59.999').getTime());
    expect(f.overdue).toBe('true');
    expect(f.q).toBeUndefined();
  });
});
