/**
 * Invitations by email: an owner invites an address as editor or viewer; a single-use token (stored only as its
 * SHA-256 hash, valid 7 days) is mailed as a link to the web app (`<APP_URL>/invitations?token=…`). The signed-in
 * user whose email is the invited address accepts it and becomes a member. Wrong email → 403; used, expired or
 * revoked → 400; inviting an existing member → 409.
 */
import {
  type AcceptInvitationBody,
  type CreateInvitationBody,
  INVITATION_TTL_DAYS,
  type Project,
  type ProjectInvitation,
} from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import { escapeHtml } from '../../infra/mail/html';
import type { Mailer, MailMessage } from '../../infra/mail/mailer';
import { hashToken, randomToken } from '../../infra/tokens';
import { AppError, conflict, forbidden, notFound } from '../../lib/errors';
import type { ProjectPolicy } from './policy';
import { recordAudit } from '../audit';
import * as repo from './projects.repo';
import type { AuditClient, ProjectsService } from './projects.service';

const DAY_MS = 86_400_000;

function statusOf(row: repo.InvitationRow, now: Date): ProjectInvitation['status'] {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  return row.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
}

const toDto = (row: repo.InvitationRow, now: Date): ProjectInvitation => ({
  id: row.id,
  projectId: row.projectId,
  email: row.email,
  role: row.role,
  invitedBy: row.invitedBy,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  status: statusOf(row, now),
});

export function invitationMail(
  appUrl: string,
  to: string,
  inviter: string,
  project: string,
  role: string,
  token: string,
): MailMessage {
  const href = `${appUrl}/invitations?token=${encodeURIComponent(token)}`;
  const lines = [
    `${inviter} invited you to the project "${project}" on Primetrade Tasks as ${role}.`,
    `Sign in or create an account with this address (${to}) and open the link (valid for ${INVITATION_TTL_DAYS} days, once).`,
  ];
  return {
    to,
    subject: `Invitation to "${project}"`,
    text: [...lines, '', href].join('\n'),
    html: [
      ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
      `<p><a href="${escapeHtml(href)}">Accept the invitation</a></p>`,
    ].join('\n'),
  };
}

const invalidInvitation = () =>
  new AppError('VALIDATION_FAILED', 'This invitation is no longer valid (used, expired or revoked)', {
    errors: [{ path: 'token', message: 'Used, expired or revoked' }],
  });

export class ProjectInvitations {
  constructor(
    private readonly deps: {
      db: Db;
      policy: ProjectPolicy;
      projects: ProjectsService;
      mailer: Mailer;
      appUrl: string;
      now: () => Date;
    },
  ) {}

  async create(
    userId: string,
    projectId: string,
    body: CreateInvitationBody,
    client?: AuditClient,
  ): Promise<ProjectInvitation> {
    const { db, policy, now } = this.deps;
    const token = randomToken();
    const row = await db.transaction(async (tx) => {
      await policy.require(userId, projectId, 'manage', tx);
      const project = await repo.lockProject(tx, projectId);
      if (!project) throw notFound('Project');
      if (project.inboxOf) throw conflict('The inbox cannot be shared');
      const invitee = await repo.findUserByEmail(tx, body.email);
      if (invitee && (await repo.roleOf(tx, projectId, invitee.id)) !== null) {
        throw conflict('This person is already a member of the project');
      }
      const inv = await repo.insertInvitation(tx, {
        projectId,
        email: body.email,
        role: body.role,
        tokenHash: hashToken(token),
        invitedBy: userId,
        expiresAt: new Date(now().getTime() + INVITATION_TTL_DAYS * DAY_MS),
      });
      // Never the token (nor its hash): who invited whom, as what, until when.
      await recordAudit(tx, {
        type: 'project.invitation.created',
        userId,
        client,
        details: {
          projectId,
          invitationId: inv.id,
          email: inv.email,
          role: inv.role,
          inviteeId: invitee?.id ?? null,
          expiresAt: inv.expiresAt.toISOString(),
        },
      });
      return inv;
    });
    const [inviter, name] = await Promise.all([repo.userBasics(db, userId), repo.projectName(db, projectId)]);
    await this.deps.mailer.send(
      invitationMail(this.deps.appUrl, body.email, inviter?.name ?? 'Someone', name ?? 'a project', body.role, token),
    );
    return toDto(row, now());
  }

  async list(userId: string, projectId: string): Promise<ProjectInvitation[]> {
    await this.deps.policy.require(userId, projectId, 'manage');
    const now = this.deps.now();
    return (await repo.invitationsOf(this.deps.db, projectId)).map((r) => toDto(r, now));
  }

  /** Revoke (owner); a used or already revoked invitation is 409, an unknown one 404. */
  async revoke(userId: string, projectId: string, invitationId: string, client?: AuditClient): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await this.deps.policy.require(userId, projectId, 'manage', tx);
      const email = await repo.revokeInvitation(tx, projectId, invitationId);
      if (email !== null) {
        await recordAudit(tx, {
          type: 'project.invitation.revoked',
          userId,
          client,
          details: { projectId, invitationId, email },
        });
        return;
      }
      if (!(await repo.invitationExists(tx, projectId, invitationId))) throw notFound('Invitation');
      throw conflict('This invitation was already used or revoked');
    });
  }

  /** Accept with the mailed token: the caller's email must be the invited one. Returns the project. */
  async accept(userId: string, body: AcceptInvitationBody, client?: AuditClient): Promise<Project> {
    const { db, policy, now } = this.deps;
    const { projectId, kick } = await db.transaction(async (tx) => {
      const inv = await repo.invitationByTokenHash(tx, hashToken(body.token));
      if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt.getTime() <= now().getTime()) {
        throw invalidInvitation();
      }
      const me = await repo.userBasics(tx, userId);
      if (!me || me.email !== inv.email) throw forbidden('This invitation was sent to another email address');
      await this.deps.projects.addMember(tx, inv.projectId, userId, inv.role);
      await repo.markAccepted(tx, inv.projectId, inv.id, userId);
      await recordAudit(tx, {
        type: 'project.member.added',
        userId,
        client,
        details: { projectId: inv.projectId, role: inv.role, invitationId: inv.id, invitedBy: inv.invitedBy },
      });
      const kick = await this.deps.projects.recordMemberAdded(tx, inv.projectId, userId, inv.role);
      return { projectId: inv.projectId, kick };
    });
    kick();
    await policy.changed([userId]);
    const { project } = await this.deps.projects.get(userId, projectId);
    const audience = await policy.audience([projectId]);
    this.deps.projects.notifyMemberAdded(audience, projectId, userId, project.role);
    return project;
  }
}
