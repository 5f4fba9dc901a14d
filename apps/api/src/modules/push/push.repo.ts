/** Queries of the push module: a user's Web Push subscriptions (one row per browser endpoint). */
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { type PushSubscriptionRow, pushSubscriptions, users } from '../../infra/db/schema';

export type { PushSubscriptionRow };

export async function listForUser(db: DbOrTx, userId: string): Promise<PushSubscriptionRow[]> {
  return db
    .select()
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId))
    .orderBy(asc(pushSubscriptions.createdAt), asc(pushSubscriptions.id));
}

/** Serialise subscribing per user (the per-user limit): lock the account row until the transaction ends. */
export async function lockUser(db: DbOrTx, userId: string): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
  return rows.length > 0;
}

export async function countForUser(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
  return Number(row?.n ?? 0);
}

export async function findByEndpoint(db: DbOrTx, endpoint: string): Promise<PushSubscriptionRow | undefined> {
  const [row] = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)).limit(1);
  return row;
}

/**
 * Insert a subscription, or — the endpoint is known — update its keys, label and owner in place (the same browser
 * re-subscribing, or signed in as someone else now). `inserted` says which.
 */
export async function upsert(
  db: DbOrTx,
  values: { userId: string; endpoint: string; p256dh: string; auth: string; userAgent: string | null },
): Promise<PushSubscriptionRow & { inserted: boolean }> {
  const [row] = await db
    .insert(pushSubscriptions)
    .values(values)
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: {
        userId: values.userId,
        p256dh: values.p256dh,
        auth: values.auth,
        userAgent: values.userAgent,
        updatedAt: sql`now()`,
      },
    })
    .returning({
      id: pushSubscriptions.id,
      userId: pushSubscriptions.userId,
      endpoint: pushSubscriptions.endpoint,
      p256dh: pushSubscriptions.p256dh,
      auth: pushSubscriptions.auth,
      userAgent: pushSubscriptions.userAgent,
      createdAt: pushSubscriptions.createdAt,
      updatedAt: pushSubscriptions.updatedAt,
      lastSuccessAt: pushSubscriptions.lastSuccessAt,
      inserted: sql<boolean>`(xmax = 0)`,
    });
  if (!row) throw new Error('push subscription upsert returned nothing');
  return row;
}

/** Delete one of the user's subscriptions; the deleted row, or undefined when it is not theirs or gone. */
export async function deleteForUser(db: DbOrTx, userId: string, id: string): Promise<PushSubscriptionRow | undefined> {
  const [row] = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
    .returning();
  return row;
}

/** The push service said the subscription is gone (404/410): drop it, unless it was re-subscribed meanwhile. */
export async function deleteGone(db: DbOrTx, id: string, endpoint: string, p256dh: string): Promise<boolean> {
  const rows = await db
    .delete(pushSubscriptions)
    .where(
      and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.p256dh, p256dh)),
    )
    .returning({ id: pushSubscriptions.id });
  return rows.length > 0;
}

export async function markSuccess(db: DbOrTx, id: string, at: Date): Promise<void> {
  await db.update(pushSubscriptions).set({ lastSuccessAt: at }).where(eq(pushSubscriptions.id, id));
}
