/**
 * The iCal feed (issue 17 item 5). A user has at most one feed URL; its secret token (256 random bits) is shown
 * once and stored as its SHA-256, so POST rotates it by replacing the hash: the old URL finds no row on any
 * instance from that commit on (nothing caches a lookup). The feed reads tasks through the tasks module's own
 * list (every project the user is a member of, soft-deleted tasks left out), sorted by due date, page by page
 * until the first task without one.
 */
import { createHash } from 'node:crypto';
import {
  CALENDAR_DONE_DAYS,
  type CalendarFeed,
  type CalendarFeedType,
  type ListTasksQuery,
  listTasksQuery,
  type Task,
} from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import { enforce, type RateLimitStore } from '../../infra/rate-limit';
import { hashToken, randomToken } from '../../infra/tokens';
import { notFound } from '../../lib/errors';
import type { FastifyReply } from 'fastify';
import { writeFeed } from './calendar.ics';
import * as repo from './calendar.repo';

/** The tasks module's list (GET /tasks): the one read path that knows membership and soft delete. */
export interface TaskLister {
  list(
    userId: string,
    query: ListTasksQuery,
    request: { url: string },
  ): Promise<
    | { notModified: true }
    | { notModified: false; value: { data: Task[]; meta: { nextCursor?: string | null } | Record<string, unknown> } }
  >;
}

/** The list's largest page, and how many pages a feed reads at most (5,000 dated tasks). */
const PAGE = 100;
export const FEED_MAX_PAGES = 50;
const DAY_MS = 86_400_000;

export interface CalendarServiceDeps {
  db: Db;
  /** The tasks module's reads (a getter: the tasks module is composed next to this one). */
  tasks: () => TaskLister;
  /** `${APP_URL}`: the feed URL's origin; its host names every UID. */
  appUrl: string;
  /** Unknown tokens per client IP: at most `max` per `windowSec` (the auth routes' per-IP limit). */
  limits: { store: RateLimitStore; max: number; windowSec: number };
  now?: () => Date;
}

export interface RenderedFeed {
  body: string;
  etag: string;
}

export class CalendarService {
  constructor(private readonly deps: CalendarServiceDeps) {}

  private now(): Date {
    return this.deps.now ? this.deps.now() : new Date();
  }

  /** Create the caller's feed URL, or rotate it: the previous URL stops working at once. */
  async rotate(userId: string): Promise<CalendarFeed> {
    const token = randomToken();
    await repo.upsertFeed(this.deps.db, userId, hashToken(token));
    return { url: `${this.deps.appUrl}/api/v1/calendar/${token}.ics` };
  }

  /** Turn the caller's feed off (idempotent). */
  async turnOff(userId: string): Promise<void> {
    await repo.deleteFeed(this.deps.db, userId);
  }

  /**
   * The feed behind a token. Every token costs the same before the answer: one SHA-256 and one indexed lookup
   * (no early exit on its shape). An unknown token is 404 and counts against the client's IP; past the limit
   * the IP gets 429 for the rest of the window, before any lookup.
   */
  async feed(
    token: string,
    type: CalendarFeedType,
    client: { ip: string; reply: FastifyReply },
  ): Promise<RenderedFeed> {
    const { store, max, windowSec } = this.deps.limits;
    const key = `calendar:miss:${client.ip}`;
    const misses = await store.get(key);
    if (misses.count >= max) enforce(client.reply, { ...misses, limit: max, allowed: false });
    const owner = await repo.findFeedOwner(this.deps.db, hashToken(token));
    if (!owner?.isActive) {
      await store.incr(key, windowSec);
      throw notFound('Calendar feed');
    }
    const tasks = await this.datedTasks(owner.userId);
    const body = writeFeed(tasks, {
      host: new URL(this.deps.appUrl).hostname,
      name: `Primetrade Tasks (${owner.name})`,
      timezone: owner.timezone,
      type,
    });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    return { body, etag };
  }

  /**
   * Every dated task the user can see, earliest due first, through the tasks list. Completed and cancelled
   * tasks finished more than CALENDAR_DONE_DAYS ago are left out (completedAt, else the last change).
   */
  private async datedTasks(userId: string): Promise<Array<Task & { dueDate: string }>> {
    const cutoff = this.now().getTime() - CALENDAR_DONE_DAYS * DAY_MS;
    const out: Array<Task & { dueDate: string }> = [];
    let cursor: string | undefined;
    for (let page = 0; page < FEED_MAX_PAGES; page++) {
      const query = listTasksQuery.parse({ sort: 'dueDate', limit: String(PAGE), ...(cursor ? { cursor } : {}) });
      const result = await this.deps.tasks().list(userId, query, { url: `/calendar?p=${page}` });
      if (result.notModified) throw new Error('the task list answered 304 to a request without If-None-Match');
      const { data, meta } = result.value;
      for (const task of data) {
        if (task.dueDate === null) return out;
        const done = task.status === 'completed' || task.status === 'cancelled';
        const doneAt = Date.parse(task.completedAt ?? task.updatedAt);
        if (done && doneAt < cutoff) continue;
        out.push(task as Task & { dueDate: string });
      }
      const next = 'nextCursor' in meta ? meta.nextCursor : null;
      if (typeof next !== 'string') return out;
      cursor = next;
    }
    return out;
  }
}
