/**
 * The import's format dispatch (POST /tasks/import?format=&dryRun=): a file from Todoist, Trello or Vikunja is
 * mapped by its importer to task drafts, each checked by the shared create schema; a dry run answers the counts,
 * the per-row errors and the first mapped tasks and writes nothing; a real run hands the valid drafts to the
 * first-round import (TaskTransfer.import: one transaction, a history row each), so there is one write path.
 * Without `format` and `dryRun` the request is the first-round import, passed through untouched.
 */
import {
  createTaskBody,
  IMPORT_MAX_ROWS,
  IMPORT_PREVIEW_ROWS,
  type CreateTaskBody,
  type ImportFormat,
  type ImportOutcome,
  importRowSchema,
} from '@primetrade/shared';
import type { z } from 'zod';
import { type FieldError, validation } from '../../../lib/errors';
import { csvToObjectsAsync } from '../tasks.csv';
import type { ImportResult } from '../tasks.import-export';
import { WRITABLE_FIELDS } from '../tasks.mapper';
import { type ParsedImport, withAllDayDue } from './drafts';
import { importTodoist } from './todoist';
import { importTrello } from './trello';
import { importVikunja } from './vikunja';

/** Each foreign format's importer: the request body (text, parsed JSON or bytes) → drafts. */
export const IMPORTERS: Record<Exclude<ImportFormat, 'native'>, (input: unknown) => ParsedImport> = {
  todoist: importTodoist,
  trello: importTrello,
  vikunja: importVikunja,
};

type Failed = ImportResult['failed'];

const issues = (error: z.ZodError): FieldError[] =>
  error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));

/** The create body of a native row (its server fields dropped). */
function writable(row: z.output<typeof importRowSchema>): CreateTaskBody {
  return Object.fromEntries(WRITABLE_FIELDS.map((f) => [f, row[f]])) as CreateTaskBody;
}

interface Checked {
  valid: Array<{ row: number; task: CreateTaskBody }>;
  failed: Failed;
  skipped: number;
}

/** Foreign drafts checked by the shared create schema; the importer's own row errors merged in, by row. */
export function checkDrafts(parsed: ParsedImport): Checked {
  const valid: Checked['valid'] = [];
  const failed: Failed = [...parsed.rowErrors];
  for (const { row, draft } of parsed.drafts) {
    const result = createTaskBody.safeParse(draft);
    if (result.success) valid.push({ row, task: result.data });
    else failed.push({ row, errors: issues(result.error) });
  }
  failed.sort((a, b) => a.row - b.row);
  return { valid, failed, skipped: parsed.skipped };
}

/** The first-round import's rows, checked the way it checks them (for its dry run); CSV read in time slices. */
async function checkNative(body: unknown[] | string, zone: string): Promise<Checked> {
  const rows = typeof body === 'string' ? await csvToObjectsAsync(body) : body;
  if (rows.length > IMPORT_MAX_ROWS) throw validation([{ path: 'body', message: `At most ${IMPORT_MAX_ROWS} rows` }]);
  const valid: Checked['valid'] = [];
  const failed: Failed = [];
  rows.forEach((raw, i) => {
    const parsed = importRowSchema.safeParse(withAllDayDue(raw, zone));
    if (parsed.success) valid.push({ row: i + 1, task: writable(parsed.data) });
    else failed.push({ row: i + 1, errors: issues(parsed.error) });
  });
  return { valid, failed, skipped: 0 };
}

export interface ImportRequest {
  format: ImportFormat;
  dryRun: boolean;
  /** The request said text/csv. */
  csv: boolean;
}

export class TaskImports {
  constructor(
    private readonly deps: {
      /** The first-round import: checks and inserts rows in one transaction. */
      insert: (
        userId: string,
        input: unknown[] | string,
        opts: { csv: boolean; zone: string },
      ) => Promise<ImportResult>;
      /** The user's time zone: a plain date in a first-round row is midnight there (an all-day task). */
      timezone: (userId: string) => Promise<string>;
    },
  ) {}

  async import(userId: string, body: unknown, req: ImportRequest): Promise<ImportOutcome> {
    if (req.format === 'native') {
      // The first round's body: a JSON array, or CSV text sent as text/csv.
      if (!Array.isArray(body) && !(typeof body === 'string' && req.csv)) {
        throw validation([{ path: 'body', message: 'Send a JSON array of tasks, or CSV as text/csv' }]);
      }
      const zone = await this.deps.timezone(userId);
      if (!req.dryRun) return this.deps.insert(userId, body, { csv: req.csv, zone });
      return outcome(req, await checkNative(body, zone), 0);
    }
    const checked = checkDrafts(IMPORTERS[req.format](body));
    if (req.dryRun) return outcome(req, checked, 0);
    const result = await this.deps.insert(
      userId,
      checked.valid.map((v) => v.task),
      { csv: false, zone: 'UTC' },
    );
    // The insert checks again; a row it refused (none expected) is reported under the file's own row number.
    const refused = result.failed.map((f) => ({ row: checked.valid[f.row - 1]?.row ?? f.row, errors: f.errors }));
    const failed = [...checked.failed, ...refused].sort((a, b) => a.row - b.row);
    return outcome(req, { ...checked, failed }, result.imported);
  }
}

function outcome(req: ImportRequest, checked: Checked, imported: number): ImportOutcome {
  return {
    imported,
    failed: checked.failed,
    format: req.format,
    dryRun: req.dryRun,
    total: checked.valid.length + checked.failed.length,
    valid: checked.valid.length,
    skipped: checked.skipped,
    ...(req.dryRun ? { preview: checked.valid.slice(0, IMPORT_PREVIEW_ROWS).map((v) => v.task) } : {}),
  };
}
