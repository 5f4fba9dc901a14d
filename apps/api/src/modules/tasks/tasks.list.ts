/**
 * Reading tasks: the list (cursor or page paging, filters, search; a weak ETag per data version and query, so a
 * conditional GET costs no query) and one task (a strong ETag). Every read is scoped to the caller.
 */
import { createHash } from 'node:crypto';
import type { ListTasksQuery, Task } from '@primetrade/shared';
import type { Cache } from '../../infra/cache/cache';
import type { Db } from '../../infra/db/client';
import { notFound, validation } from '../../lib/errors';
import { decodeCursor, encodeCursor } from './tasks.cursor';
import { etagMatches, etagOf } from './tasks.etag';
import { commonSearchLexemes, countTasks, listTasks } from './tasks.list.repo';
import { toDto } from './tasks.mapper';
import type { ProjectPolicy } from '../projects';
import { findTaskById } from './tasks.repo';
import {
  CommonLexemes,
  filtersOf,
  rareWords,
  type SortSpec,
  sortOf,
  type TaskFilters,
  typoMode,
  walkedTotal,
  withTypoFallback,
} from './tasks.search';

export interface ListResult {
  data: Task[];
  meta:
    | { limit: number; hasMore: boolean; nextCursor: string | null }
    | { page: number; limit: number; total: number; totalPages: number };
}

/** A conditional read: 304 when If-None-Match names the current ETag, else the value. */
export type Conditional<T> = { etag: string } & ({ notModified: true } | { notModified: false; value: T });

/** What a cursor is bound to: the filters and the sort (not the limit). */
function fingerprint(filters: TaskFilters, sort: SortSpec): string {
  return JSON.stringify([
    sort.field,
    sort.desc,
    filters.status ? [...new Set(filters.status)].sort() : null,
    filters.priority ? [...new Set(filters.priority)].sort() : null,
    filters.tag ?? null,
    filters.q ?? null,
    filters.dueBefore ?? null,
    filters.dueAfter ?? null,
    filters.overdue ?? null,
    filters.view ?? null,
    filters.projectId ?? null,
    filters.assigneeId ?? null,
    filters.parentId ?? null,
  ]);
}

/** How long a `view=` list's ETag lasts at most (see listEtag). */
const VIEW_SLOT_MS = 15 * 60_000;

export class TaskReads {
  /** PostgreSQL's most common search lexemes (a ranked search's words common or not: rareWords). */
  private readonly lexemes: CommonLexemes;

  constructor(
    private readonly deps: {
      db: Db;
      cache: Cache;
      cursorKey: Buffer;
      now?: () => Date;
      policy: Pick<ProjectPolicy, 'readScope' | 'requireFor'>;
    },
  ) {
    this.lexemes = new CommonLexemes(() => commonSearchLexemes(deps.db));
  }

  private now(): Date {
    return this.deps.now ? this.deps.now() : new Date();
  }

  /**
   * A weak ETag for a list response: the user's task-data version (bumped after every write) and a hash of the
   * request's query. The version embeds its epoch (the process for the in-process cache, the Redis dataset for
   * Redis), so a restarted process or a Redis that lost its data never re-issues a tag handed out before.
   */
  private listEtag(userId: string, version: string, url: string, view?: string): string {
    const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    // A view's rows change at the user's local midnight without a write. Every time zone's offset is a multiple
    // of 15 minutes, so every local midnight falls on a 15-minute UTC boundary: the slot is in the tag.
    const slot = view ? `|${Math.floor(this.now().getTime() / VIEW_SLOT_MS)}` : '';
    const h = createHash('sha256').update(`${userId}|${query}${slot}`).digest('base64url').slice(0, 16);
    return `W/"l-${version}-${h}"`;
  }

  /** GET /tasks: `url` (its query) and the data version name the ETag. */
  async list(
    userId: string,
    query: ListTasksQuery,
    request: { url: string; ifNoneMatch?: string | undefined },
  ): Promise<Conditional<ListResult>> {
    const version = await this.deps.cache.version(`tasks:${userId}`);
    const etag = this.listEtag(userId, version, request.url, query.view);
    // Weak comparison (RFC 9110 §13.1.2): the W/ prefix is ignored on both sides.
    if (etagMatches(request.ifNoneMatch, etag.slice(2))) return { etag, notModified: true };
    return { etag, notModified: false, value: await this.read(userId, query, version) };
  }

  private async read(userId: string, query: ListTasksQuery, version: string): Promise<ListResult> {
    const { db, cursorKey } = this.deps;
    // The projects the list covers: ?projectId (404 unless a member) or every project of the caller, as they are
    // at the data version this request read (kept per version by the policy: no membership round trip).
    const projectIds = await this.deps.policy.readScope(userId, query.projectId, undefined, version);
    const base = filtersOf(query, userId);
    const sort = sortOf({ sort: query.sort, q: base.q });
    const rare = base.q !== undefined && sort.field === 'rank' && rareWords(base.q, this.lexemes.current());
    const filters = { ...base, projectIds, rareWords: rare };
    const limit = query.limit;
    if (query.page !== undefined) {
      if (query.cursor !== undefined) {
        throw validation([{ path: 'querystring.cursor', message: 'Use either page or cursor, not both' }]);
      }
      const offset = (query.page - 1) * limit;
      const { result, filters: used } = await withTypoFallback(
        filters,
        (f) =>
          Promise.all([listTasks(db, { userId, filters: f, sort, limit, offset }), countTasks(db, userId, f, sort)]),
        ([, n]) => n > 0,
      );
      const [listed, matches] = result;
      const total = walkedTotal(matches, used, sort);
      return { data: listed.tasks, meta: { page: query.page, limit, total, totalPages: Math.ceil(total / limit) } };
    }
    const fp = fingerprint(filters, sort);
    const after = query.cursor ? decodeCursor(cursorKey, userId, fp, query.cursor) : undefined;
    const read = (f: TaskFilters) => listTasks(db, { userId, filters: f, sort, limit: limit + 1, after });
    // A later page keeps the mode of the first (a search that fell back to typo matching stays there).
    const kept = after?.typo ? typoMode(filters) : filters;
    const { result: listed, filters: used } = after
      ? { result: await read(kept), filters: kept }
      : await withTypoFallback(filters, read, (page) => page.tasks.length > 0);
    const hasMore = listed.tasks.length > limit;
    const page = hasMore ? listed.tasks.slice(0, limit) : listed.tasks;
    const last = page[page.length - 1];
    const position = last && { key: listed.sortKeys[limit - 1] ?? null, id: last.id };
    const nextCursor =
      hasMore && position
        ? encodeCursor(cursorKey, userId, fp, used.searchMode === 'typo' ? { ...position, typo: true } : position)
        : null;
    return { data: page, meta: { limit, hasMore, nextCursor } };
  }

  /** One task, with its ETag; another user's task is not found. */
  async get(userId: string, id: string, ifNoneMatch?: string): Promise<Conditional<Task>> {
    const row = await findTaskById(this.deps.db, id);
    if (!row) throw notFound('Task');
    await this.deps.policy.requireFor('Task', userId, row.projectId, 'read');
    const task = toDto(row);
    const etag = etagOf(task.id, task.version);
    return etagMatches(ifNoneMatch, etag) ? { etag, notModified: true } : { etag, notModified: false, value: task };
  }
}
