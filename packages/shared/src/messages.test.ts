import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTaskBody, registerBody } from './index';

const messages = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map((i) => i.message);

describe('refusals in words people read (the one message map, installed by importing the contract)', () => {
  it('the task form: an empty title, a bad status, too many tags, an unknown field', () => {
    expect(messages(createTaskBody, { title: '' })).toEqual(['Required']);
    expect(messages(createTaskBody, { title: 'a', status: 'later' })).toEqual([
      'Choose one of: pending, in_progress, completed, cancelled',
    ]);
    expect(messages(createTaskBody, { title: 'a', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) })).toEqual([
      'At most 10 distinct tags', // the schema's own message wins over the map
    ]);
    expect(messages(createTaskBody, { title: 'a', __extraCells: 'x' })).toEqual(['“__extraCells” is not a field here']);
  });

  it('sign-up: a missing name, a bad email; the schema’s own password rule still wins', () => {
    const m = messages(registerBody, { email: 'nope', password: 'short' }) ?? [];
    expect(m).toContain('Required');
    expect(m).toContain('Enter a valid email address');
    expect(m.join(' ')).not.toMatch(/Too small|Invalid input|expected/);
  });

  it('no message is zod’s default wording for the usual refusals', () => {
    const cases: Array<[z.ZodType, unknown]> = [
      [z.string().min(3), 'a'],
      [z.string().max(2), 'abc'],
      [z.array(z.string()).min(1), []],
      [z.number().int().min(1).max(5), 9],
      [z.number(), 'x'],
      [z.iso.datetime(), 'tomorrow'],
      [z.uuid(), 'x'],
      [z.strictObject({}), { a: 1, b: 2 }],
      [z.literal('yes'), 'no'],
    ];
    for (const [schema, value] of cases) {
      for (const m of messages(schema, value) ?? [])
        expect(m).not.toMatch(/Too (small|big)|Invalid (input|option)|Unrecognized|expected/);
    }
  });
});
