import type { Task } from '@primetrade/shared';
import { describe, expect, it } from 'vitest';
import { aTask } from '../../test/render';
import { byPosition, columnId, moveBody, planMove, toColumns } from './board-move';

/** A board: pending a b c, in progress d, completed and cancelled empty (keys out of order on purpose). */
function board() {
  const a = aTask({ title: 'a', status: 'pending', position: 'a0' });
  const b = aTask({ title: 'b', status: 'pending', position: 'a1' });
  const c = aTask({ title: 'c', status: 'pending', position: 'a2' });
  const d = aTask({ title: 'd', status: 'in_progress', position: 'a0' });
  return { a, b, c, d, columns: toColumns([c, d, a, b]) };
}
const titles = (ts: Task[]) => ts.map((t) => t.title).join(' ');

describe('board columns', () => {
  it('group by status and order by the key byte-wise, unkeyed tasks last', () => {
    const { columns } = board();
    expect(titles(columns.pending)).toBe('a b c');
    expect(titles(columns.in_progress)).toBe('d');
    // "Z" (0x5a) sorts before "a" (0x61) byte-wise, as in the server's collate "C" (a locale compare puts a first).
    const upper = aTask({ title: 'Z', position: 'Z' });
    const lower = aTask({ title: 'a', position: 'a' });
    const none = aTask({ title: 'none', position: null });
    expect(titles([none, lower, upper].sort(byPosition))).toBe('Z a none');
  });
});

describe('planMove: the neighbours sent for a drop', () => {
  it('down within a column: dropped on c, a goes after c (end of column)', () => {
    const { a, c, columns } = board();
    const plan = planMove(columns, a.id, c.id);
    expect(plan && moveBody(plan)).toEqual({ after: c.id });
    expect(titles(plan!.columns.pending)).toBe('b c a');
  });

  it('up within a column: dropped on a, c goes before a (top)', () => {
    const { a, c, columns } = board();
    const plan = planMove(columns, c.id, a.id);
    expect(plan && moveBody(plan)).toEqual({ before: a.id });
    expect(titles(plan!.columns.pending)).toBe('c a b');
  });

  it('to the middle: a dropped on b goes between b and c', () => {
    const { a, b, c, columns } = board();
    const plan = planMove(columns, a.id, b.id);
    expect(plan && moveBody(plan)).toEqual({ after: b.id, before: c.id });
    expect(titles(plan!.columns.pending)).toBe('b a c');
  });

  it('to another column, on a card: takes its slot (before it), with the new status', () => {
    const { b, d, columns } = board();
    const plan = planMove(columns, b.id, d.id);
    expect(plan && moveBody(plan)).toEqual({ status: 'in_progress', before: d.id });
    expect(titles(plan!.columns.pending)).toBe('a c');
    expect(titles(plan!.columns.in_progress)).toBe('b d');
    expect(plan!.columns.in_progress[0]!.status).toBe('in_progress');
  });

  it('to an empty column: the status alone (the server puts it at the end)', () => {
    const { a, columns } = board();
    const plan = planMove(columns, a.id, columnId('completed'));
    expect(plan && moveBody(plan)).toEqual({ status: 'completed' });
    expect(titles(plan!.columns.completed)).toBe('a');
  });

  it("to a column's free space: after its last card", () => {
    const { a, d, columns } = board();
    expect(moveBody(planMove(columns, a.id, columnId('in_progress'))!)).toEqual({ status: 'in_progress', after: d.id });
  });

  it('a drop where it already is changes nothing (no request)', () => {
    const { a, c, columns } = board();
    expect(planMove(columns, a.id, a.id)).toBeNull();
    expect(planMove(columns, c.id, columnId('pending'))).toBeNull();
    expect(planMove(columns, 'unknown', a.id)).toBeNull();
  });
});
