/**
 * Opaque, tamper-checked keyset cursors: base64url(JSON { k: sort key as text, i: last id }) + "." + an HMAC
 * over the user id, the query's fingerprint (filters and sort, not limit) and that payload. A cursor from
 * another user, from another query, or with a single byte changed fails the check.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { validation } from '../../lib/errors';

export interface CursorPosition {
  /** The last row's sort key, as PostgreSQL's text form of the sort expression (exact, no precision loss). */
  key: string | null;
  id: string;
  /** A search that fell back to typo matching (no task matched its words): later pages stay in that mode. */
  typo?: boolean;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(secret: Buffer, userId: string, fingerprint: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${userId}\n${fingerprint}\n${payload}`).digest();
}

export function encodeCursor(secret: Buffer, userId: string, fingerprint: string, pos: CursorPosition): string {
  const payload = Buffer.from(JSON.stringify({ k: pos.key, i: pos.id, ...(pos.typo ? { t: 1 } : {}) })).toString(
    'base64url',
  );
  return `${payload}.${mac(secret, userId, fingerprint, payload).toString('base64url')}`;
}

const invalid = () => validation([{ path: 'querystring.cursor', message: 'Invalid cursor' }], 'Invalid cursor');

export function decodeCursor(secret: Buffer, userId: string, fingerprint: string, cursor: string): CursorPosition {
  const dot = cursor.indexOf('.');
  if (dot <= 0 || dot !== cursor.lastIndexOf('.')) throw invalid();
  const payload = cursor.slice(0, dot);
  // Compared as text, so a non-canonical base64 spelling of the right bytes is refused too.
  const given = Buffer.from(cursor.slice(dot + 1));
  const expected = Buffer.from(mac(secret, userId, fingerprint, payload).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const p = parsed as { k?: unknown; i?: unknown; t?: unknown };
  if (
    typeof p !== 'object' ||
    p === null ||
    !(typeof p.k === 'string' || p.k === null) ||
    typeof p.i !== 'string' ||
    !UUID_RE.test(p.i)
  ) {
    throw invalid();
  }
  return p.t === 1 ? { key: p.k, id: p.i, typo: true } : { key: p.k, id: p.i };
}
