import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map';

describe('BoundedMap', () => {
  it('evicts the oldest key once full; touch makes a key the newest', () => {
    const m = new BoundedMap<number>(3);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect(m.get('a', { touch: true })).toBe(1);
    m.set('d', 4);
    expect(m.get('b')).toBeUndefined();
    expect([m.get('a'), m.get('c'), m.get('d')]).toEqual([1, 3, 4]);
    // Setting a key again replaces it without evicting another.
    m.set('d', 5);
    expect(m.size).toBe(3);
    expect(m.get('d')).toBe(5);
  });

  it('drops an expired entry when it is read or swept', () => {
    let now = 1_000;
    const m = new BoundedMap<{ until: number }>(
      10,
      (v) => v.until,
      () => now,
    );
    m.set('short', { until: 1_500 });
    m.set('long', { until: 5_000 });
    m.set('other', { until: 2_000 });
    now = 1_500;
    expect(m.get('short')).toBeUndefined();
    expect(m.size).toBe(2);
    now = 2_000;
    m.sweep();
    expect(m.size).toBe(1);
    expect(m.get('long')).toEqual({ until: 5_000 });
  });
});
