/**
 * The CSV formula guard (issue 13, defect 9): the export quotes, the import unquotes only an export's cells and
 * only where the export put the apostrophe. Data from anywhere else keeps its leading apostrophe.
 */
import { randomUUID } from 'node:crypto';
import type { Task } from '@primetrade/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvHeader, csvRow, csvToObjects } from './tasks.csv';

const task = (over: Partial<Task>): Task => ({
  id: randomUUID(),
  title: 't',
  description: '',
  status: 'pending',
  priority: 'medium',
  dueDate: null,
  tags: [],
  completedAt: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  version: 1,
  projectId: randomUUID(),
  assigneeId: null,
  parentId: null,
  position: null,
  subtaskCount: 0,
  subtaskDoneCount: 0,
  recurrence: null,
  reminders: [],
  ...over,
});

describe('CSV formula guard', () => {
  it('keeps a leading apostrophe in a CSV that did not come from an export', () => {
    const rows = csvToObjects(
      "title,description\r\n'=1+1,'-5 degrees\r\n'quoted,'@home\r\n''=twice,plain\r\n=raw,+raw\r\n",
    );
    expect(rows).toEqual([
      { title: "'=1+1", description: "'-5 degrees" },
      { title: "'quoted", description: "'@home" },
      { title: "''=twice", description: 'plain' },
      { title: '=raw', description: '+raw' },
    ]);
  });

  it('guards formula starts and apostrophes on export and removes exactly that guard on import', () => {
    const values = ['=1+1', '+x', '-y', '@z', "'=1", "'plain", "''", "'", 'ok', "it's"];
    const csv = csvHeader() + values.map((v) => csvRow(task({ title: v, description: v }))).join('');
    for (const line of csv.split('\r\n').slice(1, -1)) expect(line).not.toMatch(/^[^,]*,[=+\-@]/);
    const back = csvToObjects(csv);
    expect(back.map((r) => r.title)).toEqual(values);
    expect(back.map((r) => r.description)).toEqual(values);
  });

  it('round-trips any title, description and tags through export → import', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        fc.array(fc.stringMatching(/^[^;]{1,10}$/), { maxLength: 3 }),
        (title, description, tags) => {
          const [row] = csvToObjects(csvHeader() + csvRow(task({ title, description, tags })));
          expect(row?.title).toBe(title);
          expect(row?.description ?? '').toBe(description);
          expect(row?.tags ?? []).toEqual(tags.filter((t) => t.trim() !== ''));
        },
      ),
      { numRuns: 500 },
    );
  });
});
