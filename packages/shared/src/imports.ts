/**
 * POST /tasks/import from other tools (Todoist CSV, Trello board JSON, Vikunja export) and the dry-run preview.
 * Without `format` and `dryRun` the route is the first-round import, unchanged (the answer is `{ imported, failed }`).
 */
import { z } from 'zod';
import { envelope } from './common';
import { createTaskBody, IMPORT_MAX_ROWS } from './tasks';

/** `native`: this app's own CSV or JSON array (the default); the others name the tool the file came from. */
export const IMPORT_FORMATS = ['native', 'todoist', 'trello', 'vikunja'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** How many mapped tasks a dry run shows. */
export const IMPORT_PREVIEW_ROWS = 20;

export const importQuery = z.strictObject({
  format: z
    .enum(IMPORT_FORMATS)
    .optional()
    .describe('Where the file comes from; default native (this app’s CSV or JSON array)'),
  dryRun: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: map and check every row, write nothing, answer a preview'),
});
export type ImportQuery = z.infer<typeof importQuery>;

/**
 * The import body: a JSON array (native; a Vikunja data.json), a JSON object (a Trello board), text (text/csv:
 * native or Todoist CSV) or bytes (application/zip: a Vikunja export).
 */
export const importFileBody = z.union([
  z.array(z.unknown()).max(IMPORT_MAX_ROWS),
  z.record(z.string(), z.unknown()),
  z.string(),
  z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, 'Expected the file’s bytes')
    .meta({ type: 'string', format: 'binary' }),
]);

const failedRow = z.object({
  row: z.number().int(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
});

/**
 * The answer: `{ imported, failed }` as in the first round; with `format` or `dryRun` also the counts, and for a
 * dry run the first mapped tasks (the create body a row became).
 */
export const importOutcomeSchema = z.object({
  imported: z.number().int(),
  failed: z.array(failedRow),
  format: z.enum(IMPORT_FORMATS).optional(),
  dryRun: z.boolean().optional(),
  /** Tasks found in the file (valid + failed). */
  total: z.number().int().optional(),
  /** Tasks that pass the checks (a real run inserts these). */
  valid: z.number().int().optional(),
  /** Entries left out on purpose: archived cards, lists and projects. */
  skipped: z.number().int().optional(),
  preview: z
    .array(createTaskBody.meta({ id: 'TaskDraft', description: 'A task as an import would create it' }))
    .max(IMPORT_PREVIEW_ROWS)
    .optional(),
});
export type ImportOutcome = z.infer<typeof importOutcomeSchema>;
export const importOutcomeEnvelope = envelope(importOutcomeSchema);
