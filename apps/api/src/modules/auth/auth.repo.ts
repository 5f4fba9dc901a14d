/**
 * Queries of the auth module: accounts by id or email, sessions (refresh-token families) and the session guard's
 * lookup, refresh tokens and one-time user tokens. No rules here; the service decides.
 */
import { and, desc, eq, getTableColumns, gt, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { type DbOrTx, executorOf } from '../../infra/db/client';
import {
  authFailures,
  type NewAuditEvent,
  refreshTokens,
  sessions,
  type SessionRow,
  type UserRow,
  users,
  userTokens,
} from '../../infra/db/schema';
import type { SessionState } from '../../infra/session-guard';

export type UserTokenKind = 'password_reset' | 'email_verification';

/** An account row as stored (services and other modules name it through this module, not the schema). */
export type { UserRow };

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row;
}

/** The account of a sign-in, with whether it has a second factor on (one round trip instead of two). */
export async function findUserForLogin(
  db: DbOrTx,
  email: string,
): Promise<(UserRow & { totpEnabled: boolean }) | undefined> {
  const [row] = await db
    .select({
      ...getTableColumns(users),
      // Spelt qualified: drizzle writes a one-table select's columns bare.
      totpEnabled: sql<boolean>`exists (select 1 from user_totp t where t.user_id = users.id and t.enabled_at is not null)`,
    })
    .from(users)
    .where(eq(users.email, email))
    .limit(1)
    .prepare('auth_user_for_login')
    .execute();
  return row;
}

/**
 * A password sign-in's writes in one statement (atomic on its own, no transaction round trips): the account's
 * last sign-in (and its re-hashed password), the session, its first refresh token and the audit event. Nothing is
 * written when the account is gone meanwhile (false).
 */
export async function insertLoginSession(
  db: DbOrTx,
  v: {
    userId: string;
    sessionId: string;
    userAgent: string | null;
    ip: string | null;
    expiresAt: Date;
    absoluteExpiresAt: Date;
    tokenHash: string;
    rehash: string | undefined;
    audit: NewAuditEvent;
  },
): Promise<boolean> {
  const a = v.audit;
  const rows = await executorOf(db)(LOGIN_SESSION, [
    v.userId,
    v.rehash ?? null,
    v.sessionId,
    v.userAgent,
    v.ip,
    v.expiresAt.toISOString(),
    v.absoluteExpiresAt.toISOString(),
    v.tokenHash,
    a.type,
    a.userId ?? null,
    a.actorId ?? null,
    a.ip ?? null,
    a.userAgent ?? null,
    JSON.stringify(a.details ?? {}),
  ]);
  return Number(rows[0]?.[0] ?? 0) === 1;
}

/** insertLoginSession's statement, named: parsed and planned once per connection (bench P7). */
const LOGIN_SESSION = {
  name: 'auth_login_session',
  text: `with u as (
      update users set last_login_at = now(), password_hash = coalesce($2::text, password_hash)
      where id = $1::uuid returning id
    ), s as (
      insert into sessions (id, user_id, user_agent, ip, expires_at, absolute_expires_at)
      select $3::uuid, u.id, $4::text, $5::text, $6::timestamptz, $7::timestamptz
      from u returning id, user_id
    ), r as (
      insert into refresh_tokens (session_id, user_id, token_hash, expires_at)
      select s.id, s.user_id, $8::text, $6::timestamptz from s
    ), a as (
      insert into audit_events (type, user_id, actor_id, ip, user_agent, details)
      select $9::text, $10::uuid, $11::uuid, $12::text, $13::text, $14::jsonb from s
    )
    select count(*)::int as n from s`,
};

export async function findUserById(db: DbOrTx, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function insertUser(
  db: DbOrTx,
  values: { name: string; email: string; passwordHash: string },
): Promise<UserRow | undefined> {
  const [row] = await db.insert(users).values(values).onConflictDoNothing({ target: users.email }).returning();
  return row;
}

/** The columns of an account that change: its credentials (this module), its profile and preferences (users). */
export type UserPatch = Partial<
  Pick<
    UserRow,
    'passwordHash' | 'emailVerified' | 'name' | 'email' | 'timezone' | 'remindersEnabled' | 'reminderLeadMinutes'
  >
>;

/** Update an account (and its updatedAt); undefined when it is gone. A taken email is a unique violation. */
export async function updateUser(db: DbOrTx, id: string, patch: UserPatch): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

/** Set the hash (and last login) without touching updatedAt: a rehash is not a change the user made. */
export async function touchLogin(db: DbOrTx, id: string, passwordHash?: string): Promise<void> {
  await db
    .update(users)
    .set({ lastLoginAt: new Date(), ...(passwordHash ? { passwordHash } : {}) })
    .where(eq(users.id, id));
}

export async function insertSession(
  db: DbOrTx,
  values: { userId: string; userAgent: string | null; ip: string | null; expiresAt: Date; absoluteExpiresAt: Date },
): Promise<SessionRow> {
  const [row] = await db.insert(sessions).values(values).returning();
  if (!row) throw new Error('session insert returned nothing');
  return row;
}

export async function insertRefreshToken(
  db: DbOrTx,
  values: { sessionId: string; userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.insert(refreshTokens).values(values);
}

/** The refresh-token row, locked until the transaction ends (concurrent refreshes of one token serialise here). */
export async function lockRefreshToken(tx: DbOrTx, tokenHash: string) {
  const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).for('update');
  return row;
}

export async function findRefreshToken(db: DbOrTx, tokenHash: string) {
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
  return row;
}

export async function lockSession(tx: DbOrTx, id: string): Promise<SessionRow | undefined> {
  const [row] = await tx.select().from(sessions).where(eq(sessions.id, id)).for('update');
  return row;
}

export async function markRotated(tx: DbOrTx, tokenId: string, at: Date): Promise<void> {
  await tx.update(refreshTokens).set({ rotatedAt: at }).where(eq(refreshTokens.id, tokenId));
}

export async function touchSession(
  tx: DbOrTx,
  id: string,
  values: { lastUsedAt: Date; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<void> {
  await tx.update(sessions).set(values).where(eq(sessions.id, id));
}

/** Revoke sessions matching the filter; returns the ids that were live and are now revoked. */
async function revokeWhere(db: DbOrTx, where: ReturnType<typeof and>, reason: string): Promise<string[]> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(where, isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

export const revokeSession = (db: DbOrTx, sessionId: string, reason: string) =>
  revokeWhere(db, and(eq(sessions.id, sessionId)), reason);

export const revokeUserSession = (db: DbOrTx, userId: string, sessionId: string, reason: string) =>
  revokeWhere(db, and(eq(sessions.id, sessionId), eq(sessions.userId, userId)), reason);

export const revokeAllSessions = (db: DbOrTx, userId: string, reason: string) =>
  revokeWhere(db, and(eq(sessions.userId, userId)), reason);

export const revokeOtherSessions = (db: DbOrTx, userId: string, keepSessionId: string, reason: string) =>
  revokeWhere(db, and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)), reason);

/** Live sessions of a user, newest activity first. */
export async function listLiveSessions(db: DbOrTx, userId: string): Promise<SessionRow[]> {
  const now = new Date();
  return db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        gt(sessions.absoluteExpiresAt, now),
      ),
    )
    .orderBy(desc(sessions.lastUsedAt), desc(sessions.id));
}

/**
 * The session guard's question: is this session of this user live (not revoked, within its absolute lifetime) and
 * its user active — and with which role?
 */
export async function findSessionState(db: DbOrTx, sessionId: string, userId: string): Promise<SessionState> {
  const [row] = await db
    .select({ role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sessionId),
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.absoluteExpiresAt, new Date()),
        eq(users.isActive, true),
      ),
    )
    .limit(1)
    // Asked by the session guard of most requests (cached for a moment): parsed and planned once per connection.
    .prepare('auth_session_state')
    .execute();
  return row ? { active: true, role: row.role } : { active: false, role: 'user' };
}

export async function sessionIdsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
  return rows.map((r) => r.id);
}

export async function insertUserToken(
  db: DbOrTx,
  values: { userId: string; kind: UserTokenKind; tokenHash: string; email: string | null; expiresAt: Date },
): Promise<void> {
  await db.insert(userTokens).values(values);
}

/** Void the unused tokens of one kind (a new reset link replaces the older ones). */
export async function voidUserTokens(db: DbOrTx, userId: string, kind: UserTokenKind): Promise<void> {
  await db
    .update(userTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(userTokens.userId, userId), eq(userTokens.kind, kind), isNull(userTokens.usedAt)));
}

/** A usable (unused, unexpired) token of that kind, locked for the transaction. */
export async function lockUsableUserToken(tx: DbOrTx, tokenHash: string, kind: UserTokenKind) {
  const [row] = await tx
    .select()
    .from(userTokens)
    .where(
      and(
        eq(userTokens.tokenHash, tokenHash),
        eq(userTokens.kind, kind),
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, new Date()),
      ),
    )
    .for('update');
  return row;
}

export async function useUserToken(tx: DbOrTx, id: string): Promise<void> {
  await tx.update(userTokens).set({ usedAt: new Date() }).where(eq(userTokens.id, id));
}

/** A failure counter's window: the count and when the window ends (database clock). */
export interface AuthFailureWindow {
  count: number;
  windowEndsAt: Date;
}

/**
 * Count one failed password check for `key` in its fixed window (a new window when none is open or it ended);
 * expired rows are swept a few at a time on the way.
 */
export async function incrAuthFailure(db: DbOrTx, key: string, windowSec: number): Promise<AuthFailureWindow> {
  const ended = sql`${authFailures.windowEndsAt} <= now()`;
  const [row] = await db
    .insert(authFailures)
    .values({ key, count: 1, windowEndsAt: sql`now() + ${windowSec}::int * interval '1 second'` })
    .onConflictDoUpdate({
      target: authFailures.key,
      set: {
        count: sql`case when ${ended} then 1 else ${authFailures.count} + 1 end`,
        windowEndsAt: sql`case when ${ended} then excluded.window_ends_at else ${authFailures.windowEndsAt} end`,
      },
    })
    .returning({ count: authFailures.count, windowEndsAt: authFailures.windowEndsAt });
  const stale = db
    .select({ key: authFailures.key })
    .from(authFailures)
    .where(lt(authFailures.windowEndsAt, sql`now()`))
    .limit(100);
  await db.delete(authFailures).where(inArray(authFailures.key, stale));
  return row ?? { count: 1, windowEndsAt: new Date(Date.now() + windowSec * 1000) };
}

/** The open window of `key` (undefined when there is none). */
export async function findAuthFailure(db: DbOrTx, key: string): Promise<AuthFailureWindow | undefined> {
  const [row] = await db
    .select({ count: authFailures.count, windowEndsAt: authFailures.windowEndsAt })
    .from(authFailures)
    .where(and(eq(authFailures.key, key), gt(authFailures.windowEndsAt, sql`now()`)))
    .limit(1);
  return row;
}

export async function deleteAuthFailure(db: DbOrTx, key: string): Promise<void> {
  await db.delete(authFailures).where(eq(authFailures.key, key));
}
