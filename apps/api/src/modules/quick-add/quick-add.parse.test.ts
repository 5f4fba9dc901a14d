/**
 * The quick-add table: phrases with the draft expected at a fixed `now`, in Europe/Berlin and America/New_York,
 * including both DST changes of 2026 in each (Berlin: 29 March and 25 October; New York: 8 March and 1 November).
 * Expected instants are worked out by hand from the local time and the offset in force on that day.
 */
import { createTaskBody, type TaskDraft } from '@primetrade/shared';
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseQuickAdd } from './quick-add.parse';

const WORK = '7d1f6f8e-2c4b-4f7a-9a51-3f0b8e2d4c11';
/** The port's behaviour: the caller's project by name, case-insensitive. */
const findProject = async (name: string) => (name.toLowerCase() === 'work' ? WORK : null);

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
/** Friday 27 March 2026, 11:00 CET; summer time starts Sunday 29 March at 02:00 (→ 03:00, UTC+2). */
const BERLIN_SPRING = '2026-03-27T10:00:00Z';
/** Friday 23 October 2026, 10:00 CEST; summer time ends Sunday 25 October at 03:00 (→ 02:00, UTC+1). */
const BERLIN_AUTUMN = '2026-10-23T08:00:00Z';
/** Friday 6 March 2026, 10:00 EST; summer time starts Sunday 8 March at 02:00 (→ 03:00, UTC-4). */
const NY_SPRING = '2026-03-06T15:00:00Z';
/** Friday 30 October 2026, 10:00 EDT; summer time ends Sunday 1 November at 02:00 (→ 01:00, UTC-5). */
const NY_AUTUMN = '2026-10-30T14:00:00Z';

interface Row {
  text: string;
  tz: string;
  now: string;
  draft: Partial<TaskDraft> & { rule?: string | null };
  /** `field:covered text`, in order. */
  spans?: string[];
  /** Marks a row whose due date is across a DST change from `now`, in the other offset (see the control below). */
  dst?: boolean;
}

const B = (text: string, draft: Row['draft'], spans?: string[], dst?: boolean): Row => ({
  text,
  tz: BERLIN,
  now: BERLIN_SPRING,
  draft,
  spans,
  dst,
});

const TABLE: Row[] = [
  // The three examples of api.md.
  B(
    'Pay rent every 1st 9am #home p1',
    {
      title: 'Pay rent',
      dueDate: '2026-04-01T07:00:00Z',
      priority: 'urgent',
      tags: ['home'],
      rule: 'FREQ=MONTHLY;BYMONTHDAY=1',
    },
    ['recurrence:every 1st', 'dueDate:9am', 'tags:#home', 'priority:p1'],
    true,
  ),
  B('call Ana tomorrow 5pm', { title: 'call Ana', dueDate: '2026-03-28T16:00:00Z', priority: null, rule: null }, [
    'dueDate:tomorrow 5pm',
  ]),
  B(
    'review PR next friday !urgent +Work',
    { title: 'review PR', dueDate: '2026-04-03T21:59:00Z', priority: 'urgent', projectId: WORK, rule: null },
    ['dueDate:next friday', 'priority:!urgent', 'projectId:+Work'],
    true,
  ),
  // Dates and times across the spring change in Berlin.
  B('call Ana sunday 5pm', { title: 'call Ana', dueDate: '2026-03-29T15:00:00Z' }, ['dueDate:sunday 5pm'], true),
  // 02:30 does not exist on 29 March: the time moves forward by the gap (03:30 CEST). (Not marked dst: a fixed
  // offset happens to give the same instant for a time inside the gap.)
  B('sunday 2:30am backup', { title: 'backup', dueDate: '2026-03-29T01:30:00Z' }, ['dueDate:sunday 2:30am']),
  B('monday 9am standup', { title: 'standup', dueDate: '2026-03-30T07:00:00Z' }, ['dueDate:monday 9am'], true),
  B('deadline 2026-04-02 17:00', { title: 'deadline', dueDate: '2026-04-02T15:00:00Z' }, undefined, true),
  B('pay bills on march 3', { title: 'pay bills', dueDate: '2027-03-03T22:59:00Z' }, ['dueDate:on march 3']),
  B('tonight dinner', { title: 'dinner', dueDate: '2026-03-27T21:00:00Z' }, ['dueDate:tonight']),
  B('meeting at 10', { title: 'meeting', dueDate: '2026-03-28T09:00:00Z' }, ['dueDate:at 10']),
  B('in 2 hours check oven', { title: 'check oven', dueDate: '2026-03-27T12:00:00Z' }, ['dueDate:in 2 hours']),
  // Recurrence: the rule and the first occurrence.
  B('every day 8am vitamins', { title: 'vitamins', dueDate: '2026-03-28T07:00:00Z', rule: 'FREQ=DAILY' }, [
    'recurrence:every day',
    'dueDate:8am',
  ]),
  B(
    'every sunday 10am call mum',
    { title: 'call mum', dueDate: '2026-03-29T08:00:00Z', rule: 'FREQ=WEEKLY;BYDAY=SU' },
    ['recurrence:every sunday', 'dueDate:10am'],
    true,
  ),
  B('every monday', { title: '', dueDate: '2026-03-30T21:59:00Z', rule: 'FREQ=WEEKLY;BYDAY=MO' }, [
    'recurrence:every monday',
  ]),
  B('every 2 weeks', { dueDate: '2026-03-27T22:59:00Z', rule: 'FREQ=WEEKLY;INTERVAL=2' }, ['recurrence:every 2 weeks']),
  B('every weekday', { dueDate: '2026-03-27T22:59:00Z', rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' }),
  B('every weekend', { dueDate: '2026-03-28T22:59:00Z', rule: 'FREQ=WEEKLY;BYDAY=SA,SU' }),
  B('every year on march 3', { dueDate: '2027-03-03T22:59:00Z', rule: 'FREQ=YEARLY' }, [
    'recurrence:every year on march 3',
  ]),
  B('every march 3 birthday', { title: 'birthday', dueDate: '2027-03-03T22:59:00Z', rule: 'FREQ=YEARLY' }),
  B('every year on feb 29', { dueDate: '2028-02-29T22:59:00Z', rule: 'FREQ=YEARLY' }),
  B('water plants every other day', {
    title: 'water plants',
    dueDate: '2026-03-27T22:59:00Z',
    rule: 'FREQ=DAILY;INTERVAL=2',
  }),
  B('every month on the 15th', { dueDate: '2026-04-15T21:59:00Z', rule: 'FREQ=MONTHLY;BYMONTHDAY=15' }),
  B('every 31st', { dueDate: '2026-03-31T21:59:00Z', rule: 'FREQ=MONTHLY;BYMONTHDAY=31' }),
  B('every last day of the month', { dueDate: '2026-03-31T21:59:00Z', rule: 'FREQ=MONTHLY;BYMONTHDAY=-1' }),
  B('every 3 months', { dueDate: '2026-03-27T22:59:00Z', rule: 'FREQ=MONTHLY;INTERVAL=3' }),
  B(
    'every tuesday and thursday at 6pm gym',
    { title: 'gym', dueDate: '2026-03-31T16:00:00Z', rule: 'FREQ=WEEKLY;BYDAY=TU,TH' },
    ['recurrence:every tuesday and thursday', 'dueDate:at 6pm'],
  ),
  B('every mon, wed, fri', { dueDate: '2026-03-27T22:59:00Z', rule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR' }),
  // Weeks counted from this week (23 March): Monday 30 March is in the off week.
  B('every 2 weeks on monday', { dueDate: '2026-04-06T21:59:00Z', rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' }),
  // Words, tags, priorities, projects.
  B('buy milk', { title: 'buy milk', dueDate: null, priority: null, tags: [], projectId: null, rule: null }, []),
  B('read 5 pages', { title: 'read 5 pages', dueDate: null }, []),
  B('#Home #errands #home buy milk', { title: 'buy milk', tags: ['home', 'errands'] }, [
    'tags:#Home',
    'tags:#errands',
    'tags:#home',
  ]),
  B('p2 p3 report', { title: 'p3 report', priority: 'high' }, ['priority:p2']),
  B('!low tidy desk', { title: 'tidy desk', priority: 'low' }),
  B('fix login !HIGH', { title: 'fix login', priority: 'high' }),
  B('email Bob p4', { title: 'email Bob', priority: 'low' }),
  B('!medium file taxes', { priority: 'medium', title: 'file taxes' }),
  B('plan +work trip', { title: 'plan trip', projectId: WORK }, ['projectId:+work']),
  B('+Unknown task', { title: '+Unknown task', projectId: null }, []),
  B('every blah', { title: 'every blah', rule: null }, []),
  // Every 13 years from 2026 never meets a 29 February within the 12 years looked at: no rule without a due date.
  B('every 13 years on feb 29 at 9am', {
    title: 'every 13 years on feb 29',
    rule: null,
    dueDate: '2026-03-28T08:00:00Z',
  }),
  B('   lots    of   space   ', { title: 'lots of space' }, []),
  B('tag #this-tag-is-longer-than-thirty-chars', { title: 'tag #this-tag-is-longer-than-thirty-chars', tags: [] }),
  B('eleven #a #b #c #d #e #f #g #h #i #j #k', {
    title: 'eleven #k',
    tags: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
  }),
  // New York, spring change (8 March).
  ...[
    ['call Ana tomorrow 5pm', { title: 'call Ana', dueDate: '2026-03-07T22:00:00Z' }, false],
    ['sunday 5pm', { dueDate: '2026-03-08T21:00:00Z' }, true],
    ['sunday 2:30am', { dueDate: '2026-03-08T07:30:00Z' }, false],
    ['every day 9am', { dueDate: '2026-03-07T14:00:00Z', rule: 'FREQ=DAILY' }, false],
    ['every monday 9am', { dueDate: '2026-03-09T13:00:00Z', rule: 'FREQ=WEEKLY;BYDAY=MO' }, true],
    ['review PR next friday !urgent +Work', { title: 'review PR', dueDate: '2026-03-14T03:59:00Z' }, true],
  ].map(([text, draft, dst]) => ({ text, tz: NEW_YORK, now: NY_SPRING, draft, dst }) as Row),
  // New York, autumn change (1 November).
  ...[
    ['sunday 9am', { dueDate: '2026-11-01T14:00:00Z' }, true],
    // 01:30 happens twice on 1 November: the first one (EDT) is taken.
    ['sunday 1:30am', { dueDate: '2026-11-01T05:30:00Z' }, false],
    ['every weekday 8:30am', { dueDate: '2026-11-02T13:30:00Z', rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' }, true],
  ].map(([text, draft, dst]) => ({ text, tz: NEW_YORK, now: NY_AUTUMN, draft, dst }) as Row),
  // Berlin, autumn change (25 October).
  ...[
    ['every sunday 10am', { dueDate: '2026-10-25T09:00:00Z', rule: 'FREQ=WEEKLY;BYDAY=SU' }, true],
    ['monday 8am', { dueDate: '2026-10-26T07:00:00Z' }, true],
    ['tomorrow 8am', { dueDate: '2026-10-24T06:00:00Z' }, false],
  ].map(([text, draft, dst]) => ({ text, tz: BERLIN, now: BERLIN_AUTUMN, draft, dst }) as Row),
];

function expected(row: Row): Partial<TaskDraft> {
  const { rule, ...rest } = row.draft;
  if (rule === undefined) return rest;
  return { ...rest, recurrence: rule === null ? null : { rule, mode: 'due' } };
}

describe('quick add: the phrase table', () => {
  it('has at least 40 phrases, both time zones and both DST changes of each', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    for (const tz of [BERLIN, NEW_YORK]) expect(TABLE.filter((r) => r.tz === tz && r.dst).length).toBeGreaterThan(2);
    expect(new Set(TABLE.map((r) => r.now)).size).toBe(4);
  });

  it.each(TABLE.map((r) => [`${r.text} (${r.tz}, ${r.now})`, r] as const))('%s', async (_, row) => {
    const out = await parseQuickAdd(row.text, { now: new Date(row.now), timezone: row.tz, findProject });
    expect(out.draft).toMatchObject(expected(row));
    // The draft is a task the contract accepts as is: its rule passes Task.recurrence's validation (issue 17 item 1).
    const { title, dueDate, tags, recurrence } = out.draft;
    const accepted = createTaskBody.safeParse({ title: title || 'x', dueDate, tags, recurrence });
    expect(accepted.success, JSON.stringify(accepted.error?.issues)).toBe(true);
    if (recurrence) expect(accepted.data?.recurrence?.rule).toBe(recurrence.rule);
    if (row.spans) expect(out.spans.map((s) => `${s.field}:${row.text.slice(s.start, s.end)}`)).toEqual(row.spans);
    // Spans are ordered, inside the text and disjoint.
    for (const [i, s] of out.spans.entries()) {
      expect(s.start).toBeLessThan(s.end);
      expect(s.end).toBeLessThanOrEqual(row.text.length);
      if (i > 0) expect(s.start).toBeGreaterThanOrEqual(out.spans[i - 1]!.end);
    }
  });

  /**
   * Positive control: the DST rows tell a DST-correct implementation from one that reads dates at the offset in
   * force now (chrono-node's own `date()` with the reference offset) — each of them would fail with it.
   */
  it('the DST rows fail for a fixed-offset implementation', () => {
    const dstRows = TABLE.filter((r) => r.dst && !r.draft.rule && typeof r.draft.dueDate === 'string');
    expect(dstRows.length).toBeGreaterThan(5);
    for (const row of dstRows) {
      const now = new Date(row.now);
      const offset = DateTime.fromJSDate(now).setZone(row.tz).offset;
      const naive = chrono.casual.parseDate(row.text, { instant: now, timezone: offset }, { forwardDate: true });
      const naiveIso = naive ? DateTime.fromJSDate(naive).toUTC().toISO({ suppressMilliseconds: true }) : null;
      expect(naiveIso, row.text).not.toBe(row.draft.dueDate);
    }
  });

  it('spans are UTF-16 offsets into the text as sent (a surrogate pair counts 2)', async () => {
    const text = '🎉 party friday 8pm #fun';
    const out = await parseQuickAdd(text, { now: new Date(BERLIN_SPRING), timezone: BERLIN, findProject });
    expect(out.spans).toEqual([
      { start: 9, end: 19, field: 'dueDate' },
      { start: 20, end: 24, field: 'tags' },
    ]);
    expect(out.draft.title).toBe('🎉 party');
  });

  it('asks the project port only for +words and only until one is found', async () => {
    const asked: string[] = [];
    const out = await parseQuickAdd('+nope +Work +work again', {
      now: new Date(BERLIN_SPRING),
      timezone: BERLIN,
      findProject: async (name) => {
        asked.push(name);
        return findProject(name);
      },
    });
    expect(asked).toEqual(['nope', 'Work']);
    expect(out.draft).toMatchObject({ projectId: WORK, title: '+nope +work again' });
  });
});
