/**
 * Board order (issue 15 item 4): each task's `position` is a fractional-indexing key (base 62, compared byte-wise)
 * ordering it within the status column of its project. The server computes it from the neighbours a client names
 * (`before`: the task the moved one goes immediately before; `after`: immediately after), puts a new task and a
 * task changing column without neighbours at the end of the column, and renumbers a column when a key grows past
 * REBALANCE_AT characters.
 *
 * Concurrency: a move holds its target column's transaction-scoped advisory lock in SHARED mode, taken before the
 * moved task's row lock, so moves of one column run side by side (bench P14: 8 movers on 2 columns used to queue
 * on an exclusive lock). Two moves that read the same gap compute the same key (generateKeyBetween is
 * deterministic), and the unique index tasks_board_key (project_id, status, position) over live tasks makes the
 * second wait for the first and fail; it is retried with a fresh read (withBoardRetry), as is a creation (not under
 * the lock, to keep POST /tasks one statement) that meets a concurrent write. A move that read a neighbour which
 * another move then takes away lands where the neighbour was: the order of the two moves the other way round.
 * Renumbering a column (a rebalance, placing unplaced tasks) takes the lock EXCLUSIVE, so no move reads or writes
 * the column meanwhile.
 */
import type { PatchTaskBody } from '@primetrade/shared';
import { randomInt } from 'node:crypto';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import type { DbOrTx } from '../../infra/db/client';
import { conflict, validation } from '../../lib/errors';
import {
  boardKeyValid,
  type ColumnLockMode,
  type GapGuard,
  columnIds,
  lockColumn,
  lockTaskColumn,
  type Neighbour,
  neighbourWithAdjacent,
  positionBefore,
  positionTaken,
  renumberColumn,
} from './tasks.board.repo';

/** Keys longer than this make the move renumber its column (in the move's transaction). */
export const REBALANCE_AT = 64;
const NO_TASK = '00000000-0000-0000-0000-000000000000';
const RETRIES = 6;

/** A column collision (tasks_board_key), a stale gap (StaleGap) or a deadlock: the move is retried with fresh keys. */
export function isBoardRetryable(err: unknown): boolean {
  let e = err as { code?: string; constraint?: string; message?: string; cause?: unknown } | undefined;
  for (let i = 0; i < 4 && e; i++) {
    if (e.code === '40P01' || e.code === '40001' || e.code === 'BOARD_STALE_GAP') return true;
    if (e.code === '23505' && (e.constraint === 'tasks_board_key' || e.message?.includes('tasks_board_key'))) {
      return true;
    }
    e = e.cause as typeof e;
  }
  return false;
}

/** Board writes run again after a collision or a deadlock, in this process (tests read it). */
export const boardRetries = { count: 0 };

/**
 * Run a board write, again (a new transaction) after a collision or a deadlock. `lockMode` is how a move locks its
 * column: shared the first time, exclusive after a collision — the moves that met on one gap then go one at a
 * time instead of meeting again (8 moves before one card: one wins each shared round, all pass in the exclusive
 * ones). Out of attempts, a collision is a 409 (the board changed meanwhile), never a 500.
 */
export async function withBoardRetry<T>(
  fn: (lockMode: ColumnLockMode) => Promise<T>,
  first: ColumnLockMode = 'shared',
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt === 1 ? first : 'exclusive');
    } catch (err) {
      if (!isBoardRetryable(err)) throw err;
      boardRetries.count++;
      if (attempt >= RETRIES) throw conflict('The board changed meanwhile: reload it and try again');
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

/** Until tasks_board_key is valid, asked again at most this often (ms) by each process. */
const BOARD_KEY_RECHECK_MS = 30_000;
const boardKeyState = new WeakMap<object, { valid: boolean; checkedAt: number }>();

/**
 * How a move's first attempt locks its column: shared once the unique index tasks_board_key is valid (moves then
 * meet on it), exclusive before — a large database builds it concurrently after its migrations, and two shared
 * moves into one gap would otherwise both write the same key. Once valid it stays so for the process; until then
 * the catalogue is asked again every BOARD_KEY_RECHECK_MS.
 */
export async function boardLockMode(db: DbOrTx, now = Date.now()): Promise<ColumnLockMode> {
  const known = boardKeyState.get(db);
  if (known?.valid) return 'shared';
  if (known && now - known.checkedAt < BOARD_KEY_RECHECK_MS) return 'exclusive';
  const valid = await boardKeyValid(db);
  boardKeyState.set(db, { valid, checkedAt: now });
  return valid ? 'shared' : 'exclusive';
}

/** True when a PATCH may change the task's place on the board (its column or its position). */
export const movesOnBoard = (p: PatchTaskBody): boolean =>
  p.status !== undefined ||
  p.projectId !== undefined ||
  p.position !== undefined ||
  p.before !== undefined ||
  p.after !== undefined;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A random fractional tail (4 base-62 digits, the last never '0', as fractional-indexing requires): `key + tail`
 * sorts after `key` and before the next key generateKeyBetween(key, null) would give, so concurrent creations that
 * read the same last task land on distinct keys (1 in 7M per pair) instead of all colliding on one and retrying.
 */
export function randomTail(random: (n: number) => number = randomInt): string {
  let tail = '';
  for (let i = 0; i < 3; i++) tail += BASE62[random(62)];
  return tail + BASE62[1 + random(61)];
}

/**
 * The key after the last placed task of a column, with a random tail (no lock: a creation that still meets a
 * concurrent one retries with a fresh key). Without the tail, 50 concurrent POST /tasks into one inbox all chose
 * the same key: bench P6 measured 24 creations/s and 76 requests failed after their retries.
 */
export async function endKey(db: DbOrTx, projectId: string, status: string): Promise<string> {
  return generateKeyBetween(await positionBefore(db, projectId, status, null, NO_TASK), null) + randomTail();
}

const badNeighbour = (path: 'before' | 'after', message: string) => validation([{ path, message }]);

function validKey(key: string): boolean {
  try {
    generateKeyBetween(key, null);
    return true;
  } catch {
    return false;
  }
}

/**
 * Before the moved task's row lock: lock the column (in `mode`) it will most likely land in (its target, as far as
 * known) — one statement, reading the task's own column where the patch does not name it.
 */
export async function lockLikelyColumn(
  tx: DbOrTx,
  id: string,
  patch: PatchTaskBody,
  mode: ColumnLockMode = 'shared',
): Promise<void> {
  if (patch.projectId !== undefined && patch.status !== undefined) {
    await lockColumn(tx, patch.projectId, patch.status, mode);
    return;
  }
  await lockTaskColumn(tx, id, patch.projectId, patch.status, mode);
}

/** A move whose gap changed between its read and its write (GapGuard): run again, retryable. */
export class StaleGap extends Error {
  readonly code = 'BOARD_STALE_GAP';
  constructor() {
    super('the board gap changed before the move was written');
  }
}

/**
 * A neighbour already read with its adjacent key (`before` with the key under it, `after` with the key over it;
 * null: no such live task), by the statement that read the moved task (findTaskForPatch's MoveRead).
 */
export type KnownNeighbours = Partial<Record<'before' | 'after', (Neighbour & { adjacent: string | null }) | null>>;

/**
 * The position a PATCH gives the task (undefined: it keeps its own), computed under the target column's lock in
 * `mode` (taken here; already held when lockLikelyColumn guessed right). `from` is the task's column now, `to` the one
 * the patch puts it in.
 */
export async function boardPosition(
  tx: DbOrTx,
  task: { id: string; projectId: string; status: string; position: string | null },
  to: { projectId: string; status: string },
  patch: PatchTaskBody,
  mode: ColumnLockMode = 'shared',
  known?: KnownNeighbours,
  place?: { guard?: GapGuard },
): Promise<string | undefined> {
  const changesColumn = task.projectId !== to.projectId || task.status !== to.status;
  if (!changesColumn && patch.position === undefined && patch.before === undefined && patch.after === undefined) {
    return undefined;
  }
  await lockColumn(tx, to.projectId, to.status, mode);
  if (patch.position !== undefined) {
    if (!validKey(patch.position)) throw validation([{ path: 'position', message: 'Not a valid sort key' }]);
    if (patch.position === task.position && !changesColumn) return undefined;
    if (await positionTaken(tx, to.projectId, to.status, patch.position, task.id)) {
      throw conflict('Another task of the column has this position');
    }
    return patch.position;
  }
  if (patch.before === undefined && patch.after === undefined) return endKey(tx, to.projectId, to.status);
  // Each neighbour is read with the key next to it in the column (one statement each): `before` with the key
  // under it when it is the only one named, `after` with the key over it (the gap's other end, or the check that
  // the two named are still adjacent).
  // `known`: a neighbour the caller's statement already read (the first read only).
  const read = (k?: KnownNeighbours) =>
    Promise.all([
      patch.before === undefined
        ? null
        : checkedNeighbour(tx, 'before', patch.before, task.id, to, patch.after === undefined ? 'below' : null, k),
      patch.after === undefined ? null : checkedNeighbour(tx, 'after', patch.after, task.id, to, 'above', k),
    ]);
  let [before, after] = await read(known);
  let fromKnown = known !== undefined;
  if ((before && before.position === null) || (after && after.position === null)) {
    fromKnown = false;
    // An unplaced neighbour: place the whole column first (its order kept), then read the neighbours again.
    await lockColumn(tx, to.projectId, to.status, 'exclusive');
    const ids = (await columnIds(tx, to.projectId, to.status)).filter((i) => i !== task.id);
    await renumberColumn(tx, to.projectId, to.status, ids, generateNKeysBetween(null, null, ids.length));
    [before, after] = await read();
  }
  let lower: string | null;
  let upper: string | null;
  if (before && after) {
    lower = after.position;
    upper = before.position;
    const next = lower === null ? null : after.adjacent;
    if (next !== upper) throw conflict('The neighbours named are no longer next to each other: reload the board');
  } else if (before) {
    upper = before.position;
    lower = before.adjacent;
  } else {
    const a = after as Neighbour & { adjacent: string | null };
    lower = a.position;
    upper = lower === null ? null : a.adjacent;
  }
  const key = generateKeyBetween(lower, upper);
  if (key.length <= REBALANCE_AT) {
    // Read in the statement that waited for the lock, the gap may be older than the lock: the write checks it.
    const named = before ?? after;
    if (fromKnown && place && named && named.position !== null) {
      place.guard = { ...to, lower, upper, neighbour: { id: named.id, side: before ? 'upper' : 'lower' } };
    }
    return key;
  }
  return rebalance(tx, to, task.id, before?.id ?? null, after?.id ?? null);
}

async function checkedNeighbour(
  tx: DbOrTx,
  path: 'before' | 'after',
  id: string,
  self: string,
  to: { projectId: string; status: string },
  side: 'below' | 'above' | null,
  known: KnownNeighbours | undefined,
): Promise<Neighbour & { adjacent: string | null }> {
  if (id.toLowerCase() === self) throw badNeighbour(path, 'A task is not its own neighbour');
  const n = known && path in known ? known[path] : await neighbourWithAdjacent(tx, id, self, side ?? 'below');
  if (!n || n.projectId !== to.projectId) throw badNeighbour(path, 'Not a task of the same project');
  if (n.status !== to.status) throw conflict('The neighbour named is no longer in that column: reload the board');
  return n;
}

/**
 * Renumber a column whose keys grew long: every task of the column gets an evenly spread short key, in the same
 * order, with the moved task in its slot (before `before`, after `after`, else at the end). Returns its key.
 */
async function rebalance(
  tx: DbOrTx,
  to: { projectId: string; status: string },
  self: string,
  before: string | null,
  after: string | null,
): Promise<string> {
  await lockColumn(tx, to.projectId, to.status, 'exclusive');
  const ids = (await columnIds(tx, to.projectId, to.status)).filter((i) => i !== self);
  const named = before ?? after;
  // Read under the shared lock, the neighbour may have left the column before this one was exclusive.
  if (named !== null && !ids.includes(named)) {
    throw conflict('The neighbour named is no longer in that column: reload the board');
  }
  const slot = before ? ids.indexOf(before) : after ? ids.indexOf(after) + 1 : ids.length;
  const keys = generateNKeysBetween(null, null, ids.length + 1);
  const mine = keys.splice(slot, 1)[0] as string;
  await renumberColumn(tx, to.projectId, to.status, ids, keys);
  return mine;
}
