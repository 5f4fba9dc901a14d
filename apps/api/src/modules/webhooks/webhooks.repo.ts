/** Queries of the webhooks module: a project's webhooks, their deliveries, and the dispatcher's claims. */
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { type WebhookDeliveryRow, type WebhookRow, webhookDeliveries, webhooks } from '../../infra/db/schema';

export type { WebhookDeliveryRow, WebhookRow };

export function listHooks(db: DbOrTx, projectId: string): Promise<WebhookRow[]> {
  return db
    .select()
    .from(webhooks)
    .where(eq(webhooks.projectId, projectId))
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id));
}

export async function countHooks(db: DbOrTx, projectId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhooks).where(eq(webhooks.projectId, projectId));
  return Number(row?.n ?? 0);
}

export async function insertHook(
  db: DbOrTx,
  values: {
    id: string;
    projectId: string;
    url: string;
    events: string[];
    secretEnc: string;
    active: boolean;
    createdBy: string;
  },
): Promise<WebhookRow> {
  const [row] = await db.insert(webhooks).values(values).returning();
  if (!row) throw new Error('webhook insert returned nothing');
  return row;
}

export async function findHook(db: DbOrTx, projectId: string, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.projectId, projectId)));
  return row;
}

export async function updateHook(
  db: DbOrTx,
  projectId: string,
  id: string,
  set: Partial<Pick<WebhookRow, 'url' | 'events' | 'active'>>,
): Promise<WebhookRow | undefined> {
  const [row] = await db
    .update(webhooks)
    .set({ ...set, updatedAt: sql`now()` })
    .where(and(eq(webhooks.id, id), eq(webhooks.projectId, projectId)))
    .returning();
  return row;
}

export async function deleteHook(db: DbOrTx, projectId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.projectId, projectId)))
    .returning({ id: webhooks.id });
  return rows.length > 0;
}

/** The active webhooks of these projects subscribed to any of these events. */
export function subscribers(
  db: DbOrTx,
  projectIds: string[],
): Promise<Array<{ id: string; projectId: string; events: string[] }>> {
  if (projectIds.length === 0) return Promise.resolve([]);
  // One array parameter, so the text is the same for any number of projects: named, parsed once per connection
  // (the outbox relay asks this on every drain).
  return db
    .select({ id: webhooks.id, projectId: webhooks.projectId, events: webhooks.events })
    .from(webhooks)
    .where(and(sql`${webhooks.projectId} = any(${`{${projectIds.join(',')}}`}::uuid[])`, eq(webhooks.active, true)))
    .prepare('webhooks_subscribers')
    .execute();
}

export interface NewDelivery {
  webhookId: string;
  event: string;
  orderKey: string;
  body: string;
  nextAttemptAt: Date;
  createdAt: Date;
}

export async function insertDeliveries(db: DbOrTx, rows: NewDelivery[]): Promise<WebhookDeliveryRow[]> {
  if (rows.length === 0) return [];
  return db.insert(webhookDeliveries).values(rows).returning();
}

export function listDeliveries(db: DbOrTx, webhookId: string, limit: number): Promise<WebhookDeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit);
}

export async function findDelivery(db: DbOrTx, webhookId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.webhookId, webhookId)));
  return row;
}

export interface Claimed {
  seq: number;
  id: string;
  webhookId: string;
  event: string;
  body: string;
  attempts: number;
  createdAt: Date;
  url: string;
  secretEnc: string;
}

/**
 * Claim up to `limit` due deliveries until `lockedUntil`: pending, due, not held by another dispatcher, of an
 * active webhook, and with no older pending delivery of the same webhook and order key (in order per task — at
 * most one delivery per task and webhook is ever in flight). SKIP LOCKED: concurrent dispatchers take disjoint rows.
 */
export async function claimDue(db: DbOrTx, now: Date, lockedUntil: Date, limit: number): Promise<Claimed[]> {
  const res = (await db.execute(sql`
    update webhook_deliveries d set locked_until = ${lockedUntil.toISOString()}::timestamptz
    from webhooks w
    where w.id = d.webhook_id and d.seq in (
      select c.seq from webhook_deliveries c
      join webhooks h on h.id = c.webhook_id and h.active
      where c.status = 'pending' and c.next_attempt_at <= ${now.toISOString()}::timestamptz
        and (c.locked_until is null or c.locked_until <= ${now.toISOString()}::timestamptz)
        and not exists (
          select 1 from webhook_deliveries e
          where e.webhook_id = c.webhook_id and e.order_key = c.order_key and e.status = 'pending' and e.seq < c.seq
        )
      order by c.seq
      limit ${limit}
      for update of c skip locked
    )
    returning d.seq, d.id, d.webhook_id, d.event, d.body, d.attempts, d.created_at, w.url, w.secret_enc`)) as unknown as {
    rows: Array<Record<string, unknown>>;
  };
  return res.rows
    .map((r) => ({
      seq: Number(r.seq),
      id: String(r.id),
      webhookId: String(r.webhook_id),
      event: String(r.event),
      body: String(r.body),
      attempts: Number(r.attempts),
      createdAt: new Date(r.created_at as string | Date),
      url: String(r.url),
      secretEnc: String(r.secret_enc),
    }))
    .sort((a, b) => a.seq - b.seq);
}

export async function recordAttempt(
  db: DbOrTx,
  seq: number,
  set: {
    status: 'pending' | 'delivered' | 'failed';
    attempts: number;
    at: Date;
    nextAttemptAt: Date;
    responseStatus: number | null;
    responseMs: number | null;
    error: string | null;
    responseBody: string | null;
  },
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({
      status: set.status,
      attempts: set.attempts,
      lastAttemptAt: set.at,
      nextAttemptAt: set.nextAttemptAt,
      lockedUntil: null,
      responseStatus: set.responseStatus,
      responseMs: set.responseMs,
      error: set.error,
      responseBody: set.responseBody,
      deliveredAt: set.status === 'delivered' ? set.at : null,
    })
    .where(eq(webhookDeliveries.seq, seq));
}

/** Every sealed signing secret (key rotation: `npm run cli -- reencrypt`). */
export function listSealedSecrets(db: DbOrTx): Promise<Array<{ id: string; secretEnc: string }>> {
  return db.select({ id: webhooks.id, secretEnc: webhooks.secretEnc }).from(webhooks);
}

export async function setSealedSecret(db: DbOrTx, id: string, secretEnc: string): Promise<void> {
  await db.update(webhooks).set({ secretEnc }).where(eq(webhooks.id, id));
}
