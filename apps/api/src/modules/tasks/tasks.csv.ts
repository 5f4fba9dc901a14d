/**
 * CSV for export and import (RFC 4180: comma separated, CRLF rows, fields quoted when they hold a comma, a
 * quote or a line break, quotes doubled). Cells that a spreadsheet would run as a formula (= + - @ tab CR at
 * the start) are written with a leading apostrophe, which import removes again, so export → import round-trips.
 */
import type { Task } from '@primetrade/shared';

export const CSV_COLUMNS = [
  'id',
  'title',
  'description',
  'status',
  'priority',
  'dueDate',
  'tags',
  'completedAt',
  'createdAt',
  'updatedAt',
  'version',
] as const;

/** Columns an import reads; the other export columns are accepted and ignored (the server owns them). */
export const CSV_IMPORT_COLUMNS = ['title', 'description', 'status', 'priority', 'dueDate', 'tags'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const v = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(t: Task): string {
  const cells = [
    t.id,
    t.title,
    t.description,
    t.status,
    t.priority,
    t.dueDate ?? '',
    t.tags.join(';'),
    t.completedAt ?? '',
    t.createdAt,
    t.updatedAt,
    String(t.version),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Undo the export's formula guard. */
export function unguard(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

export class CsvError extends Error {}

/**
 * Parse CSV text into records (arrays of cells). Accepts CRLF or LF, quoted fields with doubled quotes and
 * embedded line breaks; a UTF-8 BOM is skipped; blank lines are skipped. Stops with CsvError past `maxRecords`.
 */
export function parseCsv(text: string, maxRecords: number): string[][] {
  const records: string[][] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    record.push(field);
    const blank = record.length === 1 && record[0] === '' && !fieldStarted;
    if (!blank) {
      if (records.length >= maxRecords) throw new CsvError(`At most ${maxRecords - 1} rows`);
      records.push(record);
    }
    record = [];
    field = '';
    fieldStarted = false;
  };
  while (i < n) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== '') throw new CsvError(`Unexpected quote in an unquoted field (record ${records.length + 1})`);
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      fieldStarted = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new CsvError('Unterminated quoted field');
  if (field !== '' || record.length > 0 || fieldStarted) endRecord();
  return records;
}
