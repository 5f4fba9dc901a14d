/**
 * CSV for export and import (RFC 4180: comma separated, CRLF rows, fields quoted when they hold a comma, a
 * quote or a line break, quotes doubled), read by csv-parse and written by csv-stringify. On top of them, the
 * formula guard: cells that a spreadsheet would run as a formula (= + - @ tab CR at the start) are written with a
 * leading apostrophe, and so is a cell that starts with an apostrophe itself, so the guard is never ambiguous.
 * Import removes that apostrophe only in a file that came from an export (its header is the export's, every field
 * in order) and only where the export would have put one: a leading apostrophe in data from anywhere else is the
 * user's text and is kept. Export → import round-trips any value.
 * The columns are the task's fields (tasks.mapper.ts); an import reads the writable ones.
 * csvToObjectsAsync is the import's reader: csv-parse's streaming parser fed in slices, and the rows mapped in
 * slices, with an event-loop turn whenever 10 ms of work has run, so a 9 MB file is never one synchronous block
 * (R11: in embedded mode the database and every other request share this thread).
 */
import { createTaskBody, IMPORT_MAX_ROWS, type Task } from '@primetrade/shared';
import { parse as parseStream } from 'csv-parse';
import { CsvError as ParseError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { validation } from '../../lib/errors';
import { TimeSlicer } from '../../lib/time-slice';
import { csvCells, FIELD_NAMES, fromCsvCell, WRITABLE_FIELDS, type WritableField } from './tasks.mapper';

/** Every field, in the API's order: the export's header. */
const CSV_COLUMNS: readonly string[] = FIELD_NAMES;
/** Columns an import reads; the other export columns are accepted and ignored (the server owns them). */
const CSV_IMPORT_COLUMNS = new Set<string>(WRITABLE_FIELDS);
/** Columns an import needs: the fields a task cannot be created without (no default in the schema). */
const CSV_REQUIRED_COLUMNS = WRITABLE_FIELDS.filter((f) => !createTaskBody.shape[f].safeParse(undefined).success);
const REQUIRED = new Set<string>(CSV_REQUIRED_COLUMNS);

/** Cells the export writes with a leading apostrophe: a formula start, or an apostrophe (so the guard is undone exactly). */
const GUARDED_START = /^[=+\-@\t\r']/;

/** The formula guard: the cell as the export writes it, before CSV quoting. */
function guard(value: string): string {
  return GUARDED_START.test(value) ? `'${value}` : value;
}

/** One CRLF-terminated RFC 4180 record (csv-stringify quotes a cell holding a comma, a quote or a line break). */
function csvRecord(cells: string[]): string {
  return stringify([cells], { record_delimiter: '\r\n' });
}

export function csvHeader(): string {
  return csvRecord([...CSV_COLUMNS]);
}

export function csvRow(t: Task): string {
  return csvRecord(csvCells(t).map(guard));
}

/** Undo the export's guard (a cell of an exported file). */
function unguard(value: string): string {
  return value.length > 1 && value[0] === "'" && GUARDED_START.test(value.slice(1)) ? value.slice(1) : value;
}

class CsvError extends Error {}

const PARSE_OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true } as const;

/** csv-parse's error as ours (the message the API answers with). */
function csvError(err: unknown): unknown {
  if (!(err instanceof ParseError)) return err;
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') return new CsvError('Unterminated quoted field');
  return new CsvError(err.message);
}

/**
 * Parse CSV text into records (arrays of cells) with csv-parse. Accepts CRLF or LF, quoted fields with doubled
 * quotes and embedded line breaks; a UTF-8 BOM is skipped; blank lines are skipped; rows may differ in length.
 * Throws CsvError when the text is not CSV or has more than `maxRecords` records.
 */
export function parseCsv(text: string, maxRecords: number): string[][] {
  let records: string[][];
  try {
    records = parse(text, PARSE_OPTIONS);
  } catch (err) {
    throw csvError(err);
  }
  if (records.length > maxRecords) throw new CsvError(`At most ${maxRecords - 1} rows`);
  return records;
}

/** Bytes handed to the streaming parser at a time (a UTF-8 sequence split between two is joined by csv-parse). */
const PARSE_SLICE_BYTES = 64 * 1024;

/**
 * parseCsv without the synchronous block: the same parser (csv-parse, same options) as a stream, fed
 * PARSE_SLICE_BYTES at a time, with a loop turn whenever `slicer` says so. Stops early past `maxRecords`.
 */
export async function parseCsvAsync(
  text: string,
  maxRecords: number,
  slicer = new TimeSlicer(),
  sliceBytes = PARSE_SLICE_BYTES,
): Promise<string[][]> {
  const bytes = Buffer.from(text);
  const records: string[][] = [];
  const parser = parseStream(PARSE_OPTIONS);
  let failure: unknown;
  const ended = new Promise<void>((resolve) => {
    parser.on('data', (record: string[]) => records.push(record));
    parser.once('end', resolve);
    parser.on('error', (err) => {
      failure ??= err;
      resolve();
    });
  });
  for (let i = 0; i < bytes.length && failure === undefined && !parser.destroyed; i += sliceBytes) {
    parser.write(bytes.subarray(i, i + sliceBytes));
    if (records.length > maxRecords) {
      parser.destroy();
      throw new CsvError(`At most ${maxRecords - 1} rows`);
    }
    await slicer.pause();
  }
  if (failure === undefined && !parser.destroyed) parser.end();
  await ended;
  if (failure !== undefined) throw csvError(failure);
  if (records.length > maxRecords) throw new CsvError(`At most ${maxRecords - 1} rows`);
  return records;
}

/** The header of an import: its column names, checked (unknown columns are a 400 for the whole file). */
interface ImportHeader {
  names: string[];
  /** An export's own header: its cells carry the formula guard. */
  fromExport: boolean;
}

function importHeader(records: string[][]): ImportHeader {
  const header = records.shift();
  if (!header) throw validation([{ path: 'body', message: 'The CSV has no header row' }]);
  const names = header.map((h) => h.trim());
  const known = new Set<string>(CSV_COLUMNS);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    throw validation(
      unknown.map((n) => ({ path: `header.${n}`, message: `Unknown column; expected ${CSV_COLUMNS.join(', ')}` })),
      'The CSV header names unknown columns',
    );
  }
  for (const f of CSV_REQUIRED_COLUMNS) {
    if (!names.includes(f)) throw validation([{ path: `header.${f}`, message: `A ${f} column is required` }]);
  }
  // Only an export's cells carry the guard; a CSV made elsewhere is taken as written.
  const fromExport = names.length === CSV_COLUMNS.length && names.every((n, i) => n === CSV_COLUMNS[i]);
  return { names, fromExport };
}

/** One record as a row object keyed by the header. */
function rowObject({ names, fromExport }: ImportHeader, cells: string[]): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (!CSV_IMPORT_COLUMNS.has(name)) return;
    const raw = fromExport ? unguard(cells[i] ?? '') : (cells[i] ?? '');
    const value = fromCsvCell(name as WritableField, raw);
    // An empty cell leaves a field to its default; a required field keeps it (and fails its check).
    if (value !== undefined) obj[name] = value;
    else if (REQUIRED.has(name)) obj[name] = raw;
  });
  if (cells.length > names.length) obj.__extraCells = cells.length - names.length;
  return obj;
}

/** A CsvError as the API's 400. */
function asValidation(err: unknown): unknown {
  return err instanceof CsvError ? validation([{ path: 'body', message: err.message }], err.message) : err;
}

/** CSV text → row objects keyed by the header; unknown columns are a 400 for the whole file. */
export function csvToObjects(text: string): Array<Record<string, unknown>> {
  let records: string[][];
  try {
    records = parseCsv(text, IMPORT_MAX_ROWS + 1);
  } catch (err) {
    throw asValidation(err);
  }
  const header = importHeader(records);
  return records.map((cells) => rowObject(header, cells));
}

/** csvToObjects in time slices (the import's path): the same rows and the same errors, no long block. */
export async function csvToObjectsAsync(
  text: string,
  slicer = new TimeSlicer(),
): Promise<Array<Record<string, unknown>>> {
  let records: string[][];
  try {
    records = await parseCsvAsync(text, IMPORT_MAX_ROWS + 1, slicer);
  } catch (err) {
    throw asValidation(err);
  }
  const header = importHeader(records);
  const rows: Array<Record<string, unknown>> = [];
  for (const cells of records) {
    rows.push(rowObject(header, cells));
    if (rows.length % 64 === 0) await slicer.pause();
  }
  return rows;
}
