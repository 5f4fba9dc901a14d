/**
 * What every baseline shares with the API's default list (GET /api/v1/tasks, 20 items, sort -createdAt, a user
 * whose tasks are in one project — the inbox): the same statement as the API's (tasks.list.repo.ts, scope 'one':
 * every field of the task in the mapper's order, times formatted as ISO text by PostgreSQL, the sort key as text,
 * `project_id = $1 and deleted_at is null`, limit + 1 rows), the same row → JSON mapping (arrays into objects in
 * field order) and the envelope with an HMAC'd next cursor — so the bytes on the wire are the same: bench/run.mjs
 * refuses to measure when they are not. No auth: the user and the project come from the x-user-id and x-project-id
 * headers (the baselines are the floor, not the product).
 */
import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The task's fields as the API answers them (apps/api/src/modules/tasks/tasks.mapper.ts TASK_FIELDS, same order),
 * each with its column; `time`: formatted by PostgreSQL as toISOString() writes it.
 */
export const FIELDS = [
  ['id', 'id'],
  ['title', 'title'],
  ['description', 'description'],
  ['status', 'status'],
  ['priority', 'priority'],
  ['dueDate', 'due_date', 'time'],
  ['tags', 'tags'],
  ['completedAt', 'completed_at', 'time'],
  ['createdAt', 'created_at', 'time'],
  ['updatedAt', 'updated_at', 'time'],
  ['version', 'version'],
  ['projectId', 'project_id'],
  ['assigneeId', 'assignee_id'],
  ['parentId', 'parent_id'],
  ['position', 'position'],
  ['subtaskCount', 'subtask_count'],
  ['subtaskDoneCount', 'subtask_done_count'],
  ['recurrence', 'recurrence'],
  ['reminders', 'reminders'],
];
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const column = ([, c, kind]) => (kind === 'time' ? `to_char("${c}" at time zone 'UTC', ${ISO})` : `"${c}"`);

export const LIMIT = 20;
// The row limit as a literal, as the API writes its default page's (LITERAL_LIMITS in tasks.list.repo.ts): with
// `limit $2` PostgreSQL planned the prepared statement on every execution (its generic plan is costed for 10 % of
// the project's rows), which is not the work the API does since 2026-12-07. The project id is an InitPlan,
// `(select $1::uuid)`, as the API's fixed-plan pages read it (planValue in tasks.list.repo.ts).
export const LIST_SQL =
  `select ${FIELDS.map(column).join(', ')}, ("tasks"."created_at")::text from "tasks" ` +
  'where ("tasks"."project_id" = (select $1::uuid) and "tasks"."deleted_at" is null) ' +
  `order by "tasks"."created_at" desc, "tasks"."id" desc limit ${LIMIT + 1}`;
const FINGERPRINT = JSON.stringify(['createdAt', true, null, null, null, null, null, null, null]);
const cursorKey = randomBytes(32);

export function pool() {
  return new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 20) });
}

/** The prepared statement (a name makes node-postgres parse it once per connection). */
export async function listRows(db, projectId) {
  const r = await db.query({ name: 'bench_list', text: LIST_SQL, values: [projectId], rowMode: 'array' });
  return r.rows;
}

/** A row (array, FIELDS order) as the API's task object: the same keys in the same order. */
const taskOf = new Function('r', `return { ${FIELDS.map(([f], i) => `${f}: r[${i}]`).join(', ')} };`);
const SORT_KEY = FIELDS.length;

export function envelope(userId, rows) {
  const hasMore = rows.length > LIMIT;
  const page = hasMore ? rows.slice(0, LIMIT) : rows;
  const data = page.map(taskOf);
  const last = page[page.length - 1];
  let nextCursor = null;
  if (hasMore && last) {
    const payload = Buffer.from(JSON.stringify({ k: last[SORT_KEY], i: last[0] })).toString('base64url');
    const mac = createHmac('sha256', cursorKey).update(`${userId}\n${FINGERPRINT}\n${payload}`).digest('base64url');
    nextCursor = `${payload}.${mac}`;
  }
  return { success: true, data, meta: { limit: LIMIT, hasMore, nextCursor } };
}

/**
 * Whether every baseline answered the API's list: the same tasks, field for field, in as many bytes (the cursor's
 * MAC differs only in value). `bodies`: response texts by target, `api` among them. The mismatches, or [].
 */
export function notSameAnswer(bodies) {
  const size = (b) => Buffer.byteLength(b);
  const data = (b) => JSON.stringify(JSON.parse(b).data);
  const want = data(bodies.api);
  return Object.entries(bodies)
    .filter(([k, b]) => k !== 'api' && (size(b) !== size(bodies.api) || data(b) !== want))
    .map(([k, b]) => `${k}: ${size(b)} bytes against the API's ${size(bodies.api)}`);
}

const nullable = (type) => ({ type: [type, 'null'] });
const taskJson = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    status: { type: 'string' },
    priority: { type: 'string' },
    dueDate: nullable('string'),
    tags: { type: 'array', items: { type: 'string' } },
    completedAt: nullable('string'),
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    version: { type: 'integer' },
    projectId: nullable('string'),
    assigneeId: nullable('string'),
    parentId: nullable('string'),
    position: nullable('string'),
    subtaskCount: { type: 'integer' },
    subtaskDoneCount: { type: 'integer' },
    recurrence: { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }] },
    reminders: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
  required: FIELDS.map(([f]) => f),
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
