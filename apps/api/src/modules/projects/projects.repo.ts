/**
 * Projects, memberships and invitations: every query of the projects module (the policy's lookups included). No
 * rules here: the policy and the services decide. Every value reaches SQL as a bound parameter.
 */
import { PROJECT_LIST_MAX, type ProjectRole } from '@primetrade/shared';
import { and, asc, desc, eq, fillPlaceholders, inArray, isNull, type Placeholder, sql } from 'drizzle-orm';
import { type DbOrTx, rawExecutorOf } from '../../infra/db/client';
import { projectInvitations, projectMembers, projects } from '../../infra/db/schema/projects';
import { tasks } from '../../infra/db/schema/tasks';
import { users } from '../../infra/db/schema/users';

export interface Membership {
  projectId: string;
  role: ProjectRole;
}

function membershipsQuery(db: DbOrTx, userId: string | Placeholder) {
  return db
    .select({ projectId: projectMembers.projectId, role: projectMembers.role })
    .from(projectMembers)
    .where(eq(projectMembers.userId, userId));
}

function roleQuery(db: DbOrTx, projectId: string | Placeholder, userId: string | Placeholder) {
  return db
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
}

/**
 * The policy's two lookups run on every task request (a role for one task, the memberships for a list or stats).
 * On a long-lived handle each is built by Drizzle once with placeholders and then sent straight to the driver as a
 * named (server-side prepared) statement, rows as arrays: no per-request query building or planning (issue 20 item
 * 1: Drizzle's query building was 12–21 % of the API's profile on `GET /tasks/:id`, these lookups part of it; see
 * docs/performance.md "Profiles of the hot routes"). A transaction handle keeps Drizzle's path.
 */
type Prepared = { name: string; text: string; params: unknown[] };
const prepared = new Map<string, Prepared>();
function preparedOf(name: string, build: () => { toSQL(): { sql: string; params: unknown[] } }): Prepared {
  let p = prepared.get(name);
  if (!p) {
    const q = build().toSQL();
    p = { name, text: q.sql, params: q.params };
    prepared.set(name, p);
  }
  return p;
}

/** Every project of a user with its role (index-only on project_members_user_idx). */
export async function membershipsOf(db: DbOrTx, userId: string): Promise<Membership[]> {
  const raw = rawExecutorOf(db);
  if (!raw) return membershipsQuery(db, userId);
  const p = preparedOf('projects_memberships_of', () => membershipsQuery(db, sql.placeholder('userId')));
  const rows = await raw(p, fillPlaceholders(p.params, { userId }));
  return rows.map((r) => ({ projectId: r[0] as string, role: r[1] as ProjectRole }));
}

/** A user's role in one project, or null (the primary key). */
export async function roleOf(db: DbOrTx, projectId: string, userId: string): Promise<ProjectRole | null> {
  const raw = rawExecutorOf(db);
  if (!raw) {
    const [row] = await roleQuery(db, projectId, userId);
    return row?.role ?? null;
  }
  const p = preparedOf('projects_role_of', () =>
    roleQuery(db, sql.placeholder('projectId'), sql.placeholder('userId')),
  );
  const [row] = await raw(p, fillPlaceholders(p.params, { projectId, userId }));
  return (row?.[0] as ProjectRole | undefined) ?? null;
}

/** The user ids of a project's members (the audience of its events, the caches to invalidate). */
export async function memberIdsOf(db: DbOrTx, projectIds: string[]): Promise<string[]> {
  if (projectIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ userId: projectMembers.userId })
    .from(projectMembers)
    .where(inArray(projectMembers.projectId, projectIds));
  return rows.map((r) => r.userId);
}

/** The user's inbox project id (projects_inbox_of_key). */
export async function inboxIdOf(db: DbOrTx, userId: string): Promise<string | null> {
  const [row] = await db.select({ id: projects.id }).from(projects).where(eq(projects.inboxOf, userId));
  return row?.id ?? null;
}

export interface ProjectView {
  id: string;
  name: string;
  description: string;
  color: string | null;
  archived: boolean;
  inbox: boolean;
  role: ProjectRole;
  memberCount: number;
  taskCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const iso = (c: unknown) => sql<string>`to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The caller's projects (or one of them) in the API's shape: inbox first, then by creation. The member rows come
 * from project_members_user_idx; each count is a range of one project's index (members: the primary key; tasks:
 * tasks_project_created_idx), soft-deleted tasks not counted.
 */
export async function projectViews(db: DbOrTx, userId: string, projectId?: string): Promise<ProjectView[]> {
  const where = projectId
    ? and(eq(projectMembers.userId, userId), eq(projectMembers.projectId, projectId))
    : eq(projectMembers.userId, userId);
  const rows = await db
    .select({
      id: projects.id,
      name: projects.name,
      description: projects.description,
      color: projects.color,
      archived: projects.archived,
      inbox: sql<boolean>`${projects.inboxOf} is not null`,
      role: projectMembers.role,
      memberCount: sql<number>`(select count(*)::int from project_members pm where pm.project_id = ${projects.id})`,
      taskCount: sql<number>`(select count(*)::int from tasks t where t.project_id = ${projects.id} and t.deleted_at is null)`,
      createdAt: iso(projects.createdAt),
      updatedAt: iso(projects.updatedAt),
      version: projects.version,
    })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(where)
    .orderBy(sql`(${projects.inboxOf} is not null) desc`, asc(projects.createdAt), asc(projects.id))
    .limit(PROJECT_LIST_MAX);
  return rows.map((r) => ({ ...r, memberCount: Number(r.memberCount), taskCount: Number(r.taskCount) }));
}

/** The project list query with its values (tests EXPLAIN it). */
export function projectViewsQuery(db: DbOrTx, userId: string): { sql: string; params: unknown[] } {
  return db
    .select({ id: projects.id, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(eq(projectMembers.userId, userId))
    .orderBy(sql`(${projects.inboxOf} is not null) desc`, asc(projects.createdAt), asc(projects.id))
    .toSQL();
}

export interface ProjectRecord {
  id: string;
  inboxOf: string | null;
  version: number;
}

/** One project's row, locked: membership changes of a project are serialised on it (the last-owner rule). */
export async function lockProject(db: DbOrTx, projectId: string): Promise<ProjectRecord | null> {
  const [row] = await db
    .select({ id: projects.id, inboxOf: projects.inboxOf, version: projects.version })
    .from(projects)
    .where(eq(projects.id, projectId))
    .for('update');
  return row ?? null;
}

export async function insertProject(
  db: DbOrTx,
  values: { name: string; description: string; color: string | null },
  ownerId: string,
): Promise<string> {
  const [row] = await db.insert(projects).values(values).returning({ id: projects.id });
  if (!row) throw new Error('project insert failed');
  await db.insert(projectMembers).values({ projectId: row.id, userId: ownerId, role: 'owner' });
  return row.id;
}

export async function updateProject(
  db: DbOrTx,
  projectId: string,
  set: Partial<{ name: string; description: string; color: string | null; archived: boolean }>,
): Promise<void> {
  await db
    .update(projects)
    .set({ ...set, version: sql`${projects.version} + 1`, updatedAt: sql`now()` })
    .where(eq(projects.id, projectId));
}

/** Delete a project; its tasks, members and invitations go with it (foreign keys, on delete cascade). */
export async function deleteProject(db: DbOrTx, projectId: string): Promise<void> {
  await db.delete(projects).where(eq(projects.id, projectId));
}

export interface MemberRow {
  userId: string;
  name: string;
  email: string;
  role: ProjectRole;
  joinedAt: Date;
}

/** A project's members, earliest-joined first. */
export async function membersOf(db: DbOrTx, projectId: string): Promise<MemberRow[]> {
  return db
    .select({
      userId: projectMembers.userId,
      name: users.name,
      email: users.email,
      role: projectMembers.role,
      joinedAt: projectMembers.joinedAt,
    })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(projectMembers.joinedAt), asc(projectMembers.userId))
    .limit(PROJECT_LIST_MAX);
}

export async function insertMember(db: DbOrTx, projectId: string, userId: string, role: ProjectRole): Promise<void> {
  await db.insert(projectMembers).values({ projectId, userId, role });
}

export async function setMemberRole(db: DbOrTx, projectId: string, userId: string, role: ProjectRole): Promise<void> {
  await db
    .update(projectMembers)
    .set({ role })
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
}

export async function deleteMember(db: DbOrTx, projectId: string, userId: string): Promise<void> {
  await db
    .delete(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
}

/** A removed member's tasks in the project become unassigned. */
export async function unassignMember(db: DbOrTx, projectId: string, userId: string): Promise<void> {
  await db
    .update(tasks)
    .set({ assigneeId: null })
    .where(and(eq(tasks.projectId, projectId), eq(tasks.assigneeId, userId)));
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<{ id: string } | null> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row ?? null;
}

export async function userBasics(db: DbOrTx, userId: string): Promise<{ email: string; name: string } | null> {
  const [row] = await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, userId));
  return row ?? null;
}

export async function projectName(db: DbOrTx, projectId: string): Promise<string | null> {
  const [row] = await db.select({ name: projects.name }).from(projects).where(eq(projects.id, projectId));
  return row?.name ?? null;
}

// ---- Invitations ----

export type InvitationRow = typeof projectInvitations.$inferSelect;

export async function insertInvitation(
  db: DbOrTx,
  values: {
    projectId: string;
    email: string;
    role: 'editor' | 'viewer';
    tokenHash: string;
    invitedBy: string;
    expiresAt: Date;
  },
): Promise<InvitationRow> {
  const [row] = await db.insert(projectInvitations).values(values).returning();
  if (!row) throw new Error('invitation insert failed');
  return row;
}

export async function invitationsOf(db: DbOrTx, projectId: string): Promise<InvitationRow[]> {
  return db
    .select()
    .from(projectInvitations)
    .where(eq(projectInvitations.projectId, projectId))
    .orderBy(desc(projectInvitations.createdAt))
    .limit(500);
}

/** Revoke a pending invitation; false when it is not the project's or no longer pending. */
/** Revoke a pending invitation; returns its address (for the audit log), null when none was pending. */
export async function revokeInvitation(db: DbOrTx, projectId: string, id: string): Promise<string | null> {
  const rows = await db
    .update(projectInvitations)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(projectInvitations.projectId, projectId),
        eq(projectInvitations.id, id),
        isNull(projectInvitations.revokedAt),
        isNull(projectInvitations.acceptedAt),
      ),
    )
    .returning({ email: projectInvitations.email });
  return rows[0]?.email ?? null;
}

export async function invitationExists(db: DbOrTx, projectId: string, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: projectInvitations.id })
    .from(projectInvitations)
    .where(and(eq(projectInvitations.projectId, projectId), eq(projectInvitations.id, id)));
  return Boolean(row);
}

/** The invitation a token names, locked (one acceptance wins). */
export async function invitationByTokenHash(db: DbOrTx, tokenHash: string): Promise<InvitationRow | null> {
  const [row] = await db
    .select()
    .from(projectInvitations)
    .where(eq(projectInvitations.tokenHash, tokenHash))
    .for('update');
  return row ?? null;
}

export async function markAccepted(db: DbOrTx, projectId: string, id: string, userId: string): Promise<void> {
  await db
    .update(projectInvitations)
    .set({ acceptedAt: sql`now()`, acceptedBy: userId })
    .where(and(eq(projectInvitations.projectId, projectId), eq(projectInvitations.id, id)));
}

// ---- Account deletion ----

export interface AccountProject {
  projectId: string;
  role: ProjectRole;
  inbox: boolean;
  members: number;
  owners: number;
}

/** The projects of a user about to be deleted, each with its member and owner counts, locked. */
export async function accountProjects(db: DbOrTx, userId: string): Promise<AccountProject[]> {
  const res = (await db.execute(sql`
    select m.project_id as "projectId", m.role, p.inbox_of is not null as inbox,
           (select count(*)::int from project_members a where a.project_id = m.project_id) as members,
           (select count(*)::int from project_members o where o.project_id = m.project_id and o.role = 'owner') as owners
    from project_members m join projects p on p.id = m.project_id
    where m.user_id = ${userId}
    order by m.project_id
    for update of p`)) as unknown as { rows: AccountProject[] };
  return res.rows.map((r) => ({ ...r, members: Number(r.members), owners: Number(r.owners) }));
}

/** The earliest-joined member of a project other than `userId` becomes owner; returns that user's id. */
export async function promoteEarliestMember(db: DbOrTx, projectId: string, userId: string): Promise<string | null> {
  const res = (await db.execute(sql`
    update project_members set role = 'owner'
    where (project_id, user_id) = (
      select project_id, user_id from project_members
      where project_id = ${projectId} and user_id <> ${userId}
      order by joined_at, user_id limit 1)
    returning user_id as "userId"`)) as unknown as { rows: Array<{ userId: string }> };
  return res.rows[0]?.userId ?? null;
}

/**
 * The tasks a deleted user created in a project that stays (shared) are kept: their rows and history are handed
 * to `heirId` (tasks and task_activity are keyed by their creator's user_id, which the account's deletion cascades).
 */
export async function handOverTasks(db: DbOrTx, projectId: string, fromUserId: string, heirId: string): Promise<void> {
  await db.execute(sql`
    with moved as (
      update tasks set user_id = ${heirId}
      where project_id = ${projectId} and user_id = ${fromUserId}
      returning id)
    update task_activity set user_id = ${heirId}
    where user_id = ${fromUserId} and task_id in (select id from moved)`);
}
