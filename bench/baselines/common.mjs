/**
 * What every baseline shares with the API's default list (GET /api/v1/tasks, 20 items, sort -createdAt): the
 * exact SQL Drizzle generates for it in apps/api/src/modules/tasks/tasks.list.repo.ts (listTasks, limit + 1 rows), the
 * row → JSON mapping (toDto) and the envelope with an HMAC'd next cursor — so the bytes on the wire are the same.
 * No auth: the user comes from the x-user-id header (the baselines are the floor, not the product).
 */
import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';

export const LIST_SQL =
  'select "id", "title", "description", "status", "priority", "due_date", "tags", "completed_at", "created_at", ' +
  '"updated_at", "version", ("tasks"."created_at")::text from "tasks" where "tasks"."user_id" = $1 ' +
  'order by "tasks"."created_at" desc, "tasks"."id" desc limit $2';

export const LIMIT = 20;
const FINGERPRINT = JSON.stringify(['createdAt', true, null, null, null, null, null, null, null]);
const cursorKey = randomBytes(32);

export function pool() {
  return new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 20) });
}

/** The prepared statement (a name makes node-postgres parse it once per connection). */
export async function listRows(db, userId) {
  const r = await db.query({ name: 'bench_list', text: LIST_SQL, values: [userId, LIMIT + 1], rowMode: 'array' });
  return r.rows;
}

const iso = (d) => (d ? d.toISOString() : null);

export function envelope(userId, rows) {
  const hasMore = rows.length > LIMIT;
  const page = hasMore ? rows.slice(0, LIMIT) : rows;
  const data = page.map((r) => ({
    id: r[0],
    title: r[1],
    description: r[2],
    status: r[3],
    priority: r[4],
    dueDate: iso(r[5]),
    tags: r[6],
    completedAt: iso(r[7]),
    createdAt: r[8].toISOString(),
    updatedAt: r[9].toISOString(),
    version: r[10],
  }));
  const last = page[page.length - 1];
  let nextCursor = null;
  if (hasMore && last) {
    const payload = Buffer.from(JSON.stringify({ k: last[11], i: last[0] })).toString('base64url');
    const mac = createHmac('sha256', cursorKey).update(`${userId}\n${FINGERPRINT}\n${payload}`).digest('base64url');
    nextCursor = `${payload}.${mac}`;
  }
  return { success: true, data, meta: { limit: LIMIT, hasMore, nextCursor } };
}

const taskJson = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    status: { type: 'string' },
    priority: { type: 'string' },
    dueDate: { type: ['string', 'null'] },
    tags: { type: 'array', items: { type: 'string' } },
    completedAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    version: { type: 'integer' },
  },
  required: ['id', 'title', 'description', 'status', 'priority', 'dueDate', 'tags', 'completedAt', 'createdAt'],
};

/** The response's JSON Schema (fast-json-stringify in Fastify). */
export const envelopeSchema = {
  type: 'object',
  properties: {
    success: { type: 'boolean' },
    data: { type: 'array', items: taskJson },
    meta: {
      type: 'object',
      properties: {
        limit: { type: 'integer' },
        hasMore: { type: 'boolean' },
        nextCursor: { type: ['string', 'null'] },
      },
    },
  },
};
