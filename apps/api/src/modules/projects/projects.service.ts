/**
 * Projects and their members: create, read, change, delete a project; list members, change a role, remove a
 * member (or leave). Every decision is the policy's (policy.ts); this file holds the rules that are not about who
 * may act: an inbox is never shared or deleted, a project keeps at least one owner. Membership changes are
 * serialised per project (the project row is locked), so two concurrent demotions cannot leave it ownerless.
 */
import { createHash } from 'node:crypto';
import type {
  CreateProjectBody,
  PatchMemberBody,
  PatchProjectBody,
  Project,
  ProjectMember,
  ProjectRole,
} from '@primetrade/shared';
import type { Db, DbOrTx } from '../../infra/db/client';
import { type EventSink, recordEvents } from '../../infra/events';
import { AppError, conflict, notFound, validation } from '../../lib/errors';
import { type AuditEntry, recordAudit } from '../audit';
import type { ProjectPolicy } from './policy';
import * as repo from './projects.repo';

/** Who is asking, for the audit log (ClientInfo of lib/http fits). */
export type AuditClient = AuditEntry['client'];

/** Project events for the members' live streams (SSE): each goes to the users named. */
export type ProjectNotifier = (audience: string[], event: string, data: unknown) => void;

export function projectEtag(id: string, version: number): string {
  return `"${createHash('sha256').update(`project:${id}:${version}`).digest('base64url').slice(0, 27)}"`;
}

/** 412 with the current ETag unless If-Match names it (`*` matches; W/ ignored, as for tasks). */
function checkIfMatch(ifMatch: string | undefined, id: string, version: number): void {
  if (ifMatch === undefined) return;
  const etag = projectEtag(id, version);
  const tags = ifMatch
    .split(',')
    .map((t) => t.trim())
    .map((t) => (t.startsWith('W/') ? t.slice(2) : t));
  if (tags.includes('*') || tags.includes(etag)) return;
  throw new AppError('PRECONDITION_FAILED', 'The project has changed since you read it (If-Match does not match)', {
    headers: { etag },
  });
}

const toMember = (m: repo.MemberRow): ProjectMember => ({
  userId: m.userId,
  name: m.name,
  email: m.email,
  role: m.role,
  joinedAt: m.joinedAt.toISOString(),
});

export class ProjectsService {
  constructor(
    private readonly deps: {
      db: Db;
      policy: ProjectPolicy;
      notify: ProjectNotifier;
      /** Records project events in the change's transaction (the webhooks' deliveries); wired in the composition root. */
      sink?: EventSink;
    },
  ) {}

  /** A project event, in the change's transaction (ordered with the project's); returns the after-commit kick. */
  private record(tx: DbOrTx, event: string, projectId: string, data: unknown): Promise<() => void> {
    return recordEvents(this.deps.sink, tx, [{ event, projectId, orderKey: projectId, data }]);
  }

  private get db() {
    return this.deps.db;
  }

  /** The caller's projects, inbox first. */
  list(userId: string): Promise<Project[]> {
    return repo.projectViews(this.db, userId);
  }

  /** One project as the caller sees it (404 when not a member). */
  async get(userId: string, projectId: string, db: DbOrTx = this.db): Promise<{ project: Project; etag: string }> {
    const [project] = await repo.projectViews(db, userId, projectId);
    if (!project) throw notFound('Project');
    return { project, etag: projectEtag(project.id, project.version) };
  }

  async create(userId: string, body: CreateProjectBody): Promise<{ project: Project; etag: string }> {
    const id = await this.db.transaction((tx) =>
      repo.insertProject(tx, { name: body.name, description: body.description, color: body.color }, userId),
    );
    // A new membership: the creator's read scope (kept per data version, policy.readScope) moves on.
    await this.deps.policy.changed([userId]);
    return this.get(userId, id);
  }

  async update(
    userId: string,
    projectId: string,
    body: PatchProjectBody,
    ifMatch?: string,
  ): Promise<{ project: Project; etag: string }> {
    const { audience, kick } = await this.db.transaction(async (tx) => {
      await this.deps.policy.require(userId, projectId, 'manage', tx);
      const row = await repo.lockProject(tx, projectId);
      if (!row) throw notFound('Project');
      checkIfMatch(ifMatch, row.id, row.version);
      const set = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      if (Object.keys(set).length === 0) return { audience: null, kick: () => {} };
      await repo.updateProject(tx, projectId, set);
      const { project } = await this.get(userId, projectId, tx);
      const kick = await this.record(tx, 'project.updated', projectId, { id: projectId, version: project.version });
      return { audience: await this.deps.policy.audience([projectId], tx), kick };
    });
    kick();
    const out = await this.get(userId, projectId);
    if (audience) this.deps.notify(audience, 'project.updated', { id: projectId, version: out.project.version });
    return out;
  }

  /** Delete a project and its tasks (owner; never an inbox). */
  async remove(userId: string, projectId: string, ifMatch?: string, client?: AuditClient): Promise<void> {
    const audience = await this.db.transaction(async (tx) => {
      await this.deps.policy.require(userId, projectId, 'manage', tx);
      const row = await repo.lockProject(tx, projectId);
      if (!row) throw notFound('Project');
      if (row.inboxOf) throw conflict('The inbox cannot be deleted');
      checkIfMatch(ifMatch, row.id, row.version);
      const audience = await this.deps.policy.audience([projectId], tx);
      const name = await repo.projectName(tx, projectId);
      await repo.deleteProject(tx, projectId);
      await recordAudit(tx, {
        type: 'project.deleted',
        userId,
        client,
        details: { projectId, projectName: name, memberIds: audience },
      });
      return audience;
    });
    await this.deps.policy.changed(audience);
    this.deps.notify(audience, 'project.deleted', { id: projectId });
  }

  async members(userId: string, projectId: string): Promise<ProjectMember[]> {
    await this.deps.policy.require(userId, projectId, 'read');
    return (await repo.membersOf(this.db, projectId)).map(toMember);
  }

  /** Change a member's role (owner); demoting the last owner is 409. */
  async setRole(
    userId: string,
    projectId: string,
    memberId: string,
    body: PatchMemberBody,
    client?: AuditClient,
  ): Promise<ProjectMember> {
    const { members, kick } = await this.db.transaction(async (tx) => {
      await this.deps.policy.require(userId, projectId, 'manage', tx);
      const row = await repo.lockProject(tx, projectId);
      if (!row) throw notFound('Project');
      const members = await repo.membersOf(tx, projectId);
      const target = members.find((m) => m.userId === memberId);
      if (!target) throw notFound('Member');
      if (target.role === body.role) return { members, kick: () => {} };
      if (row.inboxOf && body.role !== 'owner') throw conflict('The inbox keeps its owner');
      if (target.role === 'owner' && owners(members) === 1) {
        throw conflict('A project keeps at least one owner: make another member owner first');
      }
      await repo.setMemberRole(tx, projectId, memberId, body.role);
      await recordAudit(tx, {
        type: 'project.member.role_changed',
        userId: memberId,
        actorId: userId,
        client,
        details: { projectId, from: target.role, to: body.role },
      });
      const data = { projectId, userId: memberId, role: body.role };
      const kick = await this.record(tx, 'project.member.updated', projectId, data);
      return { members: await repo.membersOf(tx, projectId), kick };
    });
    kick();
    const member = members.find((m) => m.userId === memberId);
    if (!member) throw notFound('Member');
    await this.deps.policy.changed([memberId]);
    this.deps.notify(
      members.map((m) => m.userId),
      'project.member.updated',
      { projectId, userId: memberId, role: member.role },
    );
    return toMember(member);
  }

  /**
   * Remove a member: an owner removes anyone, any member removes themself (leave). The last owner cannot go
   * (409); the inbox has no other member and cannot be left. The removed member's tasks there become unassigned.
   */
  async removeMember(userId: string, projectId: string, memberId: string, client?: AuditClient): Promise<void> {
    const { audience, kick } = await this.db.transaction(async (tx) => {
      await this.deps.policy.require(userId, projectId, memberId === userId ? 'read' : 'manage', tx);
      const row = await repo.lockProject(tx, projectId);
      if (!row) throw notFound('Project');
      const members = await repo.membersOf(tx, projectId);
      const target = members.find((m) => m.userId === memberId);
      if (!target) throw notFound('Member');
      if (row.inboxOf) throw conflict('The inbox cannot be left');
      if (target.role === 'owner' && owners(members) === 1) {
        throw conflict('A project keeps at least one owner: make another member owner first');
      }
      await repo.deleteMember(tx, projectId, memberId);
      await repo.unassignMember(tx, projectId, memberId);
      await recordAudit(tx, {
        type: memberId === userId ? 'project.member.left' : 'project.member.removed',
        userId: memberId,
        actorId: userId,
        client,
        details: { projectId, role: target.role },
      });
      const kick = await this.record(tx, 'project.member.removed', projectId, { projectId, userId: memberId });
      return { audience: members.map((m) => m.userId), kick };
    });
    kick();
    await this.deps.policy.changed(audience);
    this.deps.notify(audience, 'project.member.removed', { projectId, userId: memberId });
  }

  /** project.member.added, in the accepting transaction; returns the after-commit kick. */
  recordMemberAdded(tx: DbOrTx, projectId: string, userId: string, role: ProjectRole): Promise<() => void> {
    return this.record(tx, 'project.member.added', projectId, { projectId, userId, role });
  }

  notifyMemberAdded(audience: string[], projectId: string, userId: string, role: ProjectRole): void {
    this.deps.notify(audience, 'project.member.added', { projectId, userId, role });
  }

  /** Add a member (an accepted invitation); 409 when already one. */
  async addMember(tx: DbOrTx, projectId: string, userId: string, role: ProjectRole): Promise<void> {
    const row = await repo.lockProject(tx, projectId);
    if (!row) throw notFound('Project');
    if (row.inboxOf) throw conflict('The inbox cannot be shared');
    if ((await repo.roleOf(tx, projectId, userId)) !== null) throw conflict('Already a member of this project');
    await repo.insertMember(tx, projectId, userId, role);
  }

  /**
   * Before an account is deleted (in its transaction): its inbox and every project where it is the only member are
   * deleted; in a shared project where it was the last owner, the earliest-joined remaining member becomes owner;
   * the tasks it created in the projects that stay are handed to that project's (new) first owner. Returns the
   * users whose views change.
   */
  async beforeAccountDeletion(tx: DbOrTx, userId: string): Promise<{ affected: string[]; notices: Array<() => void> }> {
    const affected = new Set<string>();
    const notices: Array<() => void> = [];
    for (const p of await repo.accountProjects(tx, userId)) {
      if (p.inbox || p.members <= 1) {
        await repo.deleteProject(tx, p.projectId);
        continue;
      }
      if (p.role === 'owner' && p.owners === 1) {
        const heir = await repo.promoteEarliestMember(tx, p.projectId, userId);
        // The system acts (the account is going): the heir is who the event is about.
        await recordAudit(tx, {
          type: 'project.ownership.transferred',
          userId: heir,
          actorId: null,
          details: { projectId: p.projectId, fromUserId: userId, reason: 'account_deleted' },
        });
      }
      const members = await repo.membersOf(tx, p.projectId);
      const heir = members.find((m) => m.role === 'owner' && m.userId !== userId);
      if (!heir) throw validation([{ path: 'account', message: 'A shared project has no heir' }]);
      await repo.handOverTasks(tx, p.projectId, userId, heir.userId);
      await repo.unassignMember(tx, p.projectId, userId);
      const others = members.map((m) => m.userId).filter((u) => u !== userId);
      for (const u of others) affected.add(u);
      const data = { projectId: p.projectId, userId };
      const kick = await this.record(tx, 'project.member.removed', p.projectId, data);
      notices.push(() => {
        kick();
        this.deps.notify(others, 'project.member.removed', data);
      });
    }
    return { affected: [...affected], notices };
  }
}

const owners = (members: repo.MemberRow[]) => members.filter((m) => m.role === 'owner').length;
