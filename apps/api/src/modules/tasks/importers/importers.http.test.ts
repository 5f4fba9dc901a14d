/**
 * POST /tasks/import?format=todoist|trello|vikunja&dryRun=true through app.inject on each driver: a dry run answers
 * the preview and writes nothing; the real run writes exactly the previewed tasks (one transaction, history and
 * all, through the first-round import); the first-round import without parameters answers as before; malformed
 * files are 400 problems; a fuzz of bodies × formats × content types never gets a 5xx. Plus a fuzz of the pure
 * importers: whatever they are given, they map it or throw a 400 AppError, never anything else.
 */
import { IMPORT_FORMATS } from '@primetrade/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../lib/errors';
import { drivers, type TestContext } from '../../../test/context';
import { createUser, type TestUser } from '../../../test/factories';
import { createTasksContext, TASKS_URL } from '../../../test/tasks-http';
import { IMPORTERS } from '.';
import { fixtureText, vikunjaZip } from './fixtures';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

/** Fuzz sizes: kept small by default (CI time); IMPORT_FUZZ_RUNS raises them for a longer local run. */
const RUNS = Number(process.env.IMPORT_FUZZ_RUNS ?? 60);

const TODOIST = fixtureText('todoist.csv');
const TRELLO = fixtureText('trello-board.json');
const VIKUNJA = fixtureText('vikunja-data.json');

type Sent = { type: string; payload: string | Buffer };
const FILES: Record<string, Sent & { format: string; valid: number; failed: number; skipped: number }> = {
  todoist: { format: 'todoist', type: 'text/csv', payload: TODOIST, valid: 6, failed: 3, skipped: 0 },
  trello: { format: 'trello', type: 'application/json', payload: TRELLO, valid: 2, failed: 2, skipped: 2 },
  'vikunja data.json': {
    format: 'vikunja',
    type: 'application/json',
    payload: VIKUNJA,
    valid: 4,
    failed: 1,
    skipped: 1,
  },
  'vikunja zip': {
    format: 'vikunja',
    type: 'application/zip',
    payload: Buffer.from(vikunjaZip(VIKUNJA)),
    valid: 4,
    failed: 1,
    skipped: 1,
  },
};

describe('pure importers under fuzz', () => {
  const anyInput = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 400 }),
    fc.uint8Array({ maxLength: 400 }),
    fc.json({ maxDepth: 4 }).map((j) => JSON.parse(j) as unknown),
    fc.json({ maxDepth: 4 }),
    // Near-misses: the right top-level shape with random members.
    fc.record({ cards: fc.array(fc.anything(), { maxLength: 5 }), lists: fc.array(fc.anything(), { maxLength: 5 }) }),
    fc.array(
      fc.record({
        title: fc.anything(),
        is_archived: fc.anything(),
        tasks: fc.array(
          fc.dictionary(fc.constantFrom('title', 'due_date', 'priority', 'labels', 'done'), fc.anything()),
        ),
      }),
      { maxLength: 4 },
    ),
    fc
      .array(fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }), { maxLength: 6 })
      .map((rows) => ['TYPE,CONTENT,PRIORITY,DATE,TIMEZONE', ...rows.map((r) => r.join(','))].join('\n')),
  );

  for (const [format, importer] of Object.entries(IMPORTERS)) {
    it(`${format}: any input is mapped or refused with a 400, never a crash (${RUNS * 5} runs)`, () => {
      fc.assert(
        fc.property(anyInput, (input) => {
          try {
            importer(input);
          } catch (err) {
            expect(err).toBeInstanceOf(AppError);
            expect((err as AppError).status).toBe(400);
          }
        }),
        { numRuns: RUNS * 5, seed: 14_009 },
      );
    });
  }

  it('the property fails on a planted crash (an importer that throws a TypeError)', () => {
    const planted = (input: unknown) => {
      if (typeof input === 'string' && input.length > 3) throw new TypeError('planted');
    };
    expect(() =>
      fc.assert(
        fc.property(fc.string(), (input) => {
          try {
            planted(input);
          } catch (err) {
            expect(err).toBeInstanceOf(AppError);
          }
        }),
        { numRuns: 200, seed: 1 },
      ),
    ).toThrow(/Property failed/);
  });
});

describe.each(drivers())('POST /tasks/import from other tools on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTasksContext(driver);
  });
  afterAll(async () => ctx?.close());

  const send = (u: TestUser, query: string, { type, payload }: Sent) =>
    ctx.app.inject({
      method: 'POST',
      url: `${TASKS_URL}/import${query}`,
      headers: { ...u.headers, 'content-type': type },
      payload,
    });
  const listAll = async (u: TestUser) =>
    (await ctx.app.inject({ method: 'GET', url: `${TASKS_URL}?limit=100`, headers: u.headers })).json().data as Array<
      Record<string, unknown>
    >;
  const writable = (t: Record<string, unknown>) => ({
    title: t.title,
    description: t.description,
    status: t.status,
    priority: t.priority,
    dueDate: t.dueDate,
    tags: t.tags,
    recurrence: t.recurrence,
    reminders: t.reminders,
  });
  const byTitle = (a: { title: unknown }, b: { title: unknown }) => String(a.title).localeCompare(String(b.title));

  for (const [name, file] of Object.entries(FILES)) {
    it(`${name}: the dry run previews and writes nothing; the real run writes exactly the preview`, async () => {
      const u = await createUser(ctx.platform);
      const dry = await send(u, `?format=${file.format}&dryRun=true`, file);
      expect(dry.statusCode, dry.body).toBe(200);
      const preview = dry.json().data;
      expect(preview).toMatchObject({
        imported: 0,
        format: file.format,
        dryRun: true,
        total: file.valid + file.failed,
        valid: file.valid,
        skipped: file.skipped,
      });
      expect(preview.failed).toHaveLength(file.failed);
      expect(preview.preview).toHaveLength(file.valid);
      expect(await listAll(u)).toEqual([]);

      const real = await send(u, `?format=${file.format}`, file);
      expect(real.statusCode, real.body).toBe(200);
      const { preview: _none, ...rest } = preview;
      expect(real.json().data).toEqual({ ...rest, imported: file.valid, dryRun: false });
      const stored = (await listAll(u)).map(writable).sort(byTitle);
      expect(stored).toEqual([...preview.preview].sort(byTitle));
    });
  }

  it('without format or dryRun the first-round import answers exactly as before; its dry run previews', async () => {
    const u = await createUser(ctx.platform);
    const csv = { type: 'text/csv', payload: 'title,priority\r\nOne,high\r\n,low\r\n' };
    const dry = await send(u, '?dryRun=true', csv);
    expect(dry.json().data).toMatchObject({ imported: 0, dryRun: true, format: 'native', total: 2, valid: 1 });
    expect(dry.json().data.preview).toEqual([
      {
        title: 'One',
        description: '',
        status: 'pending',
        priority: 'high',
        dueDate: null,
        tags: [],
        recurrence: null,
        reminders: [],
      },
    ]);
    expect(await listAll(u)).toEqual([]);
    const real = await send(u, '', csv);
    expect(real.json().data).toEqual({ imported: 1, failed: [{ row: 2, errors: [expect.any(Object)] }] });
    expect(await listAll(u)).toHaveLength(1);
  });

  it('malformed files and parameters are 400 problems and write nothing', async () => {
    const u = await createUser(ctx.platform);
    const cases: Array<[string, Sent, RegExp]> = [
      ['?format=trello', { type: 'text/csv', payload: 'a,b\r\n1,2\r\n' }, /not JSON/],
      ['?format=trello', { type: 'application/json', payload: '{"name":"board"}' }, /Not a Trello board export/],
      ['?format=todoist', { type: 'application/json', payload: '{"a":1}' }, /text\/csv/],
      ['?format=todoist', { type: 'text/csv', payload: 'title\r\nx\r\n' }, /TYPE and CONTENT/],
      ['?format=vikunja', { type: 'application/zip', payload: Buffer.from('PK\u0003\u0004garbage') }, /zip/],
      ['?format=vikunja', { type: 'application/json', payload: '{"projects":[]}' }, /array of projects/],
      // The first-round import given a JSON object (a board sent without format): 400, not a crash.
      ['', { type: 'application/json', payload: TRELLO }, /JSON array/],
      ['', { type: 'application/zip', payload: Buffer.from([1, 2, 3]) }, /JSON array/],
      ['?format=asana', { type: 'text/csv', payload: TODOIST }, /format/],
      ['?dryRun=yes', { type: 'text/csv', payload: TODOIST }, /dryRun/],
    ];
    for (const [query, sent, detail] of cases) {
      const res = await send(u, query, sent);
      expect(res.statusCode, `${query} ${sent.type}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = res.json();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(`${body.detail} ${JSON.stringify(body.errors ?? [])}`).toMatch(detail);
    }
    expect(await listAll(u)).toEqual([]);
  });

  it('a zip whose data.json inflates past 10 MiB is a 400, an 11 MiB body a 413', async () => {
    const u = await createUser(ctx.platform);
    const { zipSync } = await import('fflate');
    const bomb = Buffer.from(zipSync({ 'data.json': new Uint8Array(11 * 1024 * 1024).fill(0x20) }, { level: 1 }));
    const res = await send(u, '?format=vikunja&dryRun=true', { type: 'application/zip', payload: bomb });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/larger than/);
    const big = Buffer.alloc(11 * 1024 * 1024, 0x20);
    expect((await send(u, '?format=vikunja', { type: 'application/zip', payload: big })).statusCode).toBe(413);
  });

  it(`fuzz: ${RUNS} generated bodies × formats × content types, never a 5xx`, async () => {
    const u = await createUser(ctx.platform);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...IMPORT_FORMATS, undefined),
        fc.constantFrom('true', 'false', undefined),
        fc.constantFrom('text/csv', 'application/json', 'application/zip', 'application/octet-stream'),
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.json({ maxDepth: 4 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          fc.constantFrom(TODOIST, TRELLO, VIKUNJA).chain((s) => fc.nat(s.length).map((cut) => s.slice(0, cut))),
        ),
        async (format, dryRun, type, payload) => {
          const q = new URLSearchParams();
          if (format) q.set('format', format);
          if (dryRun) q.set('dryRun', dryRun);
          const res = await send(u, `?${q}`, { type, payload });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          expect(res.statusCode, `${q} ${type}: ${res.body}`).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        },
      ),
      { numRuns: RUNS, seed: 14_009 },
    );
    console.info(`[import fuzz ${driver}] statuses=${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
