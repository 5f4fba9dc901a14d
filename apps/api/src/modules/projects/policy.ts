/**
 * The project policy: the ONE place that decides who may do what in a project (issue 15 item 2). Every service
 * that touches project data (tasks, projects, members, invitations; later comments, board moves, assignees) asks
 * it, never checks roles itself:
 *
 * - not a member (or the project does not exist)  → 404 NOT_FOUND, never 403: a project's existence is not told
 * - a member whose role is too low (a viewer's write, an editor's member change) → 403 FORBIDDEN
 * - read: any member; write (tasks, comments): owner or editor; manage (the project, its members, invitations): owner
 *
 * Memberships are read from the database for every decision (the primary key, or the index-only
 * project_members_user_idx for "all my projects"), so a role change or a removal holds on every instance from the
 * request after its commit. The one exception is a list's or the stats' read scope, which is kept per user under
 * the `tasks:<userId>` data version the request already read (readScope's `version`). What is cached — each user's
 * task lists, stats and those scopes — is invalidated by `changed()` for every affected user after every
 * membership change commits, through the platform cache, whose versions are shared by all instances
 * (infra/cache/tiered.ts): the removal's own response is sent after that, so no request made after it sees the
 * project.
 */
import type { ProjectRole } from '@primetrade/shared';
import type { Cache } from '../../infra/cache/cache';
import type { Db, DbOrTx } from '../../infra/db/client';
import { forbidden, notFound } from '../../lib/errors';
import { inboxIdOf, memberIdsOf, membershipsOf, roleOf } from './projects.repo';

export type Access = 'read' | 'write' | 'manage';

const RANK: Record<ProjectRole, number> = { viewer: 0, editor: 1, owner: 2 };
const NEEDS: Record<Access, ProjectRole> = { read: 'viewer', write: 'editor', manage: 'owner' };

/** True when `role` may do `access`. */
export const allows = (role: ProjectRole | null, access: Access): boolean =>
  role !== null && RANK[role] >= RANK[NEEDS[access]];

const INBOX_CACHE_MAX = 50_000;
const SCOPE_CACHE_MAX = 50_000;

export class ProjectPolicy {
  /** A user's inbox id never changes while the user exists: kept in the process (bounded). */
  private readonly inboxes = new Map<string, string>();
  /** Each user's project ids as read at a `tasks:<userId>` data version (readScope). */
  private readonly scopes = new Map<string, { version: string; ids: string[] }>();

  constructor(private readonly deps: { db: Db; cache: Cache }) {}

  /** The caller's role in a project, or null when not a member (or no such project). */
  role(userId: string, projectId: string, db: DbOrTx = this.deps.db): Promise<ProjectRole | null> {
    return roleOf(db, projectId, userId);
  }

  /**
   * The caller's role when it allows `access`: 404 for a non-member, 403 FORBIDDEN for a member whose role is too
   * low. Pass the transaction when the decision guards a write inside it.
   */
  async require(
    userId: string,
    projectId: string,
    access: Access,
    db: DbOrTx = this.deps.db,
    what = 'Project',
  ): Promise<ProjectRole> {
    return this.decide(await this.role(userId, projectId, db), access, what);
  }

  /**
   * The decision of require for a role the caller read itself in a statement of its own (a task PATCH reads the
   * task and the caller's role in one query): 404 `what` for null (not a member), 403 when too low.
   */
  decide(role: ProjectRole | null, access: Access, what = 'Project'): ProjectRole {
    if (role === null) throw notFound(what);
    if (!allows(role, access)) throw forbidden(denial(access));
    return role;
  }

  /**
   * Access to a thing inside a project (a task, a comment): like require, but a non-member gets 404 for the thing
   * itself (`what`), as if it did not exist.
   */
  requireFor(what: string, userId: string, projectId: string, access: Access, db?: DbOrTx): Promise<ProjectRole> {
    return this.require(userId, projectId, access, db, what);
  }

  /** Every project of the caller with its role. */
  async memberships(userId: string, db: DbOrTx = this.deps.db): Promise<Map<string, ProjectRole>> {
    return new Map((await membershipsOf(db, userId)).map((m) => [m.projectId, m.role]));
  }

  /**
   * The projects a read covers: the one asked for (404 when the caller is not a member), or every project of the
   * caller — a cross-project list is `project_id = any(<these>)`.
   *
   * `version`: the caller's `tasks:<userId>` data version, read for this request (a list's ETag, the stats' key).
   * Every membership change bumps it after its commit, so the projects read at one version are the caller's
   * projects at that version: they are kept under it and reused until it moves, and a list or stats read then
   * costs no membership round trip (P1). A bypass version (Redis unreachable: it starts with `-`, and is never
   * issued twice) is not kept. A project not among them is asked of the database (a 404, or one created since).
   */
  async readScope(userId: string, projectId?: string, db: DbOrTx = this.deps.db, version?: string): Promise<string[]> {
    if (version !== undefined && db === this.deps.db) {
      const ids = await this.projectIdsAt(userId, version);
      if (projectId === undefined) return ids;
      if (ids.includes(projectId)) return [projectId];
    }
    if (projectId !== undefined) {
      await this.require(userId, projectId, 'read', db);
      return [projectId];
    }
    return [...(await this.memberships(userId, db)).keys()];
  }

  private async projectIdsAt(userId: string, version: string): Promise<string[]> {
    const known = this.scopes.get(userId);
    if (known?.version === version) return known.ids;
    const ids = [...(await this.memberships(userId)).keys()];
    if (!version.startsWith('-')) {
      if (this.scopes.size >= SCOPE_CACHE_MAX) this.scopes.clear();
      this.scopes.set(userId, { version, ids });
    }
    return ids;
  }

  /** The caller's inbox. */
  async inboxId(userId: string, db: DbOrTx = this.deps.db): Promise<string> {
    const known = this.inboxes.get(userId);
    if (known) return known;
    const id = await inboxIdOf(db, userId);
    if (!id) throw notFound('User');
    if (this.inboxes.size >= INBOX_CACHE_MAX) this.inboxes.clear();
    this.inboxes.set(userId, id);
    return id;
  }

  /** The members of projects: who sees their changes (events) and whose cached lists change with them. */
  audience(projectIds: string[], db: DbOrTx = this.deps.db): Promise<string[]> {
    return memberIdsOf(db, [...new Set(projectIds)]);
  }

  /**
   * After a change that alters what users see (a task write in their projects, a membership change): their cached
   * task lists and stats are invalidated on every instance (the shared data version of each).
   */
  async changed(userIds: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(userIds)].map((u) => this.deps.cache.bump(`tasks:${u}`)));
  }
}

function denial(access: Access): string {
  switch (access) {
    case 'manage':
      return 'Only an owner of the project may do this';
    case 'write':
      return 'Viewers of a project cannot change it';
    default:
      return 'You are not allowed to do this';
  }
}
