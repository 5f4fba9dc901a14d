import { describe, expect, it } from 'vitest';
import { fromApiQuery, parseTaskSearch, toApiQuery } from './search';

describe('the list URL state and a saved view’s API query', () => {
  it('view=today|upcoming is part of the URL state and of the API query; anything else is dropped', () => {
    expect(parseTaskSearch({ view: 'today' })).toEqual({ view: 'today' });
    expect(parseTaskSearch({ view: 'someday' })).toEqual({});
    expect(toApiQuery({ view: 'upcoming', sort: 'dueDate' })).toBe('view=upcoming&sort=dueDate');
  });

  it('round-trips every filter, the local due days included', () => {
    const search = {
      view: 'today' as const,
      q: 'report',
      status: 'pending,in_progress',
      priority: 'high,urgent',
      tag: 'work',
      dueAfter: '2030-03-01',
      dueBefore: '2030-03-31',
      overdue: true,
      sort: '-priority',
    };
    const query = toApiQuery(search);
    expect(new URLSearchParams(query).get('dueAfter')).toBe(new Date('2030-03-01T00:00:00').toISOString());
    expect(fromApiQuery(query)).toEqual(search);
  });

  it('an empty state is an empty query; unknown and paging keys are not carried into the URL', () => {
    expect(toApiQuery({})).toBe('');
    expect(fromApiQuery('limit=50&tag=home&cursor=x')).toEqual({ tag: 'home' });
  });
});
