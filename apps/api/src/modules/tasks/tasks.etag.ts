/**
 * Entity tags of tasks: a strong ETag from the id and version (every instance computes the same one), and the
 * If-Match / If-None-Match comparisons.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../lib/errors';

export function etagOf(id: string, version: number): string {
  return `"${createHash('sha256').update(`${id}:${version}`).digest('base64url').slice(0, 27)}"`;
}

/** Entity tags of an If-Match / If-None-Match header; `*` stays `*`. The W/ prefix is dropped (see docs). */
function parseEtagList(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => (t.startsWith('W/') ? t.slice(2) : t));
}

export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = parseEtagList(header);
  return tags.includes('*') || tags.includes(etag);
}

/** 412 (with the current ETag) unless If-Match names the task's current version. */
export function checkIfMatch(ifMatch: string, task: { id: string; version: number }): void {
  const etag = etagOf(task.id, task.version);
  if (!etagMatches(ifMatch, etag)) {
    throw new AppError('PRECONDITION_FAILED', 'The task has changed since you read it (If-Match does not match)', {
      headers: { etag },
    });
  }
}
