/**
 * Idempotent creation (POST /tasks with an Idempotency-Key): a repeat of the same body within 24 h gets the
 * stored response (no second task), another body gets 409, and concurrent first uses of one key create one task.
 */
import { createHash } from 'node:crypto';
import type { Db, Tx } from '../../infra/db/client';
import { isUniqueViolation } from '../../infra/db/errors';
import { conflict } from '../../lib/errors';
import {
  claimIdempotencyKeyLockingColumn,
  findIdempotencyKey,
  type IdempotencyRecord,
  purgeExpiredIdempotencyKeys,
  storeIdempotentResponse,
} from './tasks.idempotency.repo';

const IDEMPOTENCY_TTL_SEC = 24 * 3600;

/** A response as stored with its key and repeated to a retry. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

class KeyHeld extends Error {}

const inProgress = () => conflict('A request with this Idempotency-Key is still in progress; retry shortly');

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

function replay(found: IdempotencyRecord, hash: string): StoredResponse {
  if (found.requestHash !== hash) {
    throw conflict('This Idempotency-Key was already used with a different request body');
  }
  if (found.statusCode === null || !found.response) throw inProgress();
  return { status: found.statusCode, body: found.response.body, headers: found.response.headers };
}

export class IdempotencyKeys {
  constructor(private readonly db: Db) {}

  /**
   * Run `create` in a transaction that owns the key (and the shared lock of the board `column` the task goes to,
   * taken by the claim's statement), and store its response with the key in that transaction. A key used before
   * gets that use's stored response (`replayed`; 409 for another body) and `create` never runs; a concurrent first
   * use waits for the key's holder, then gets its stored response. The first statement is the claim — no read of
   * the key before it: a new key (nearly every request) costs no round trip for its bookkeeping but the claim and
   * the store; a repeat costs a rolled-back claim and the read.
   */
  async once(
    userId: string,
    key: string,
    hash: string,
    column: { projectId: string; status: string },
    create: (tx: Tx) => Promise<StoredResponse>,
  ): Promise<{ response: StoredResponse; replayed: boolean }> {
    let response: StoredResponse;
    const claim = { userId, key, requestHash: hash, ttlSec: IDEMPOTENCY_TTL_SEC };
    try {
      response = await this.db.transaction(async (tx) => {
        if (!(await claimIdempotencyKeyLockingColumn(tx, claim, column))) throw new KeyHeld();
        const created = await create(tx);
        await storeIdempotentResponse(tx, userId, key, created.status, {
          body: created.body,
          headers: created.headers,
        });
        return created;
      });
    } catch (err) {
      if (err instanceof KeyHeld) {
        const found = await findIdempotencyKey(this.db, userId, key);
        if (found) return { response: replay(found, hash), replayed: true };
        throw inProgress();
      }
      // Two first uses raced on a server that reported the clash instead of waiting: the later one is told so.
      if (isUniqueViolation(err)) throw inProgress();
      throw err;
    }
    if (Math.random() < 0.01) await purgeExpiredIdempotencyKeys(this.db, userId).catch(() => {});
    return { response, replayed: false };
  }
}
