/**
 * Trello board importer on a fixture written from Trello's board JSON export (fixtures/trello-board.json): board,
 * list and label names as tags, checklists into the description, dueComplete → completed, archived cards and
 * lists skipped, bad cards reported by their position in `cards`.
 */
import { describe, expect, it } from 'vitest';
import { checkDrafts } from '.';
import { fixtureText } from './fixtures';
import { importTrello } from './trello';

const fixture = fixtureText('trello-board.json');

describe('Trello board importer', () => {
  it('maps the fixture (as text and as parsed JSON alike)', () => {
    for (const input of [fixture, JSON.parse(fixture)]) {
      const checked = checkDrafts(importTrello(input));
      expect(checked.valid).toEqual([
        {
          row: 1,
          task: {
            recurrence: null,
            reminders: [],
            title: 'Paint the hallway',
            description: 'Two coats, **white**\n\nSupplies:\n- [x] Tape\n- [ ] Roller',
            status: 'pending',
            priority: 'medium',
            dueDate: '2026-05-01T16:00:00.000Z',
            tags: ['home-renovation', 'to-do', 'urgent', 'green'],
          },
        },
        {
          row: 2,
          task: {
            recurrence: null,
            reminders: [],
            title: 'Buy brushes',
            description: '',
            status: 'completed',
            priority: 'medium',
            dueDate: null,
            // A label named by idLabels only; its name cut to the tag limit (30).
            tags: ['home-renovation', 'doing', 'needs-a-very-long-label-name-i'],
          },
        },
      ]);
      expect(checked.skipped).toBe(2);
      expect(checked.failed).toEqual([
        { row: 5, errors: [expect.objectContaining({ path: 'title' })] },
        { row: 6, errors: [{ path: 'due', message: 'Not a date-time' }] },
      ]);
    }
  });

  it('refuses what is not a board export (400)', () => {
    expect(() => importTrello('{"cards": []}')).toThrow(/Not a Trello board export/);
    expect(() => importTrello([{ title: 'a native row' }])).toThrow(/Not a Trello board export/);
    expect(() => importTrello('not json')).toThrow(/not JSON/);
    // The import's row cap (10,000) holds for cards too.
    const cards = Array.from({ length: 10_001 }, (_, i) => ({ name: `card ${i}` }));
    expect(() => importTrello({ lists: [], cards })).toThrow(/At most 10000 tasks/);
    expect(importTrello({ lists: [], cards: cards.slice(1) }).drafts).toHaveLength(10_000);
    // Archived cards do not count: 10,000 open ones and 500 archived are fine.
    const archived = Array.from({ length: 500 }, (_, i) => ({ name: `old ${i}`, closed: true }));
    expect(importTrello({ lists: [], cards: [...cards.slice(1), ...archived] }).skipped).toBe(500);
  });
});
