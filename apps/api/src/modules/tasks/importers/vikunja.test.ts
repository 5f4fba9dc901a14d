/**
 * Vikunja importer on a fixture written from Vikunja's data export (fixtures/vikunja-data.json: data.json's
 * array of projects), sent on its own and inside an export zip built here (VERSION + data.json + an attachment),
 * and the zip's limits: no data.json, not a zip, a data.json that inflates past the cap (a zip bomb stops early).
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { checkDrafts } from '.';
import { fixtureText, vikunjaZip } from './fixtures';
import { dataJsonFromZip, importVikunja } from './vikunja';

const fixture = fixtureText('vikunja-data.json');

describe('Vikunja importer', () => {
  it('maps data.json: projects and labels as tags, done/percent, priorities 0-5, HTML to text, archived skipped', () => {
    const checked = checkDrafts(importVikunja(fixture));
    expect(checked.valid).toEqual([
      {
        row: 1,
        task: {
          recurrence: null,
          reminders: [],
          title: 'Write the quarterly report',
          description: 'Numbers from sales & support\n- Q1\n- Q2',
          status: 'in_progress',
          priority: 'urgent',
          dueDate: '2026-04-10T13:00:00.000Z',
          tags: ['inbox', 'work'],
        },
      },
      {
        row: 2,
        task: {
          recurrence: null,
          reminders: [],
          title: 'Renew the library card',
          description: '',
          status: 'completed',
          priority: 'medium',
          dueDate: null,
          tags: ['inbox'],
        },
      },
      {
        row: 3,
        task: {
          recurrence: null,
          reminders: [],
          title: 'Sketch the logo',
          description: '',
          status: 'pending',
          priority: 'urgent',
          dueDate: null,
          tags: ['side-project', 'design', 'work'],
        },
      },
      {
        row: 6,
        task: {
          recurrence: null,
          reminders: [],
          title: 'Plant tulips',
          description: 'Before the frost',
          status: 'pending',
          priority: 'low',
          dueDate: '2026-10-15T00:00:00.000Z',
          tags: ['garden'],
        },
      },
    ]);
    expect(checked.failed).toEqual([{ row: 4, errors: [expect.objectContaining({ path: 'priority' })] }]);
    expect(checked.skipped).toBe(1);
  });

  it('reads the same tasks from the export zip', () => {
    const fromZip = checkDrafts(importVikunja(vikunjaZip(fixture)));
    expect(fromZip).toEqual(checkDrafts(importVikunja(fixture)));
  });

  it('refuses a zip without data.json, a file that is not a zip, and stops a zip bomb at the cap', () => {
    expect(() => importVikunja(zipSync({ VERSION: strToU8('v0.24.6') }))).toThrow(/no data\.json/);
    const broken = vikunjaZip(fixture).slice(0, 60);
    expect(() => importVikunja(broken)).toThrow(/zip/);
    expect(() => importVikunja('{"projects": []}')).toThrow(/array of projects/);

    // 8 MiB of spaces deflate to ~8 KiB; the cap (here 1 MiB) refuses it — the same file without a cap inflates in
    // full, so it is the cap that refuses it. (The route's own 10 MiB cap: importers.http.test.ts.)
    const bomb = zipSync({ 'data.json': new Uint8Array(8 * 1024 * 1024).fill(0x20) }, { level: 1 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(() => dataJsonFromZip(bomb, 1024 * 1024)).toThrow(/larger than/);
    expect(dataJsonFromZip(bomb, Number.POSITIVE_INFINITY).length).toBe(8 * 1024 * 1024);
  });
});
