/**
 * Projects, their members and invitations (issue 15). Every table is keyed by project_id first: it is the
 * distribution key of the shared data (docs/architecture.md, "Ownership with projects"). Membership is also
 * indexed by user_id ("my projects": GET /projects and the project ids of every task list).
 *
 * Every user has exactly one inbox project (`inbox_of` = the user): created by the users_create_inbox trigger
 * with the account, whichever code path inserts the user (sign-up, OIDC, seed, cli, fixtures), and deleted with it.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** #rrggbb or null. */
    color: text('color'),
    archived: boolean('archived').notNull().default(false),
    /** The user whose inbox this is (null for every other project): never shared, never deleted alone. */
    inboxOf: uuid('inbox_of').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // One inbox per user; finding it (a task created without projectId, the backfill).
    uniqueIndex('projects_inbox_of_key').on(t.inboxOf),
    check('projects_version_check', sql`${t.version} >= 1`),
  ],
);

export const PROJECT_ROLES = ['owner', 'editor', 'viewer'] as const;

export const projectMembers = pgTable(
  'project_members',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: PROJECT_ROLES }).notNull(),
    joinedAt: ts('joined_at').notNull().defaultNow(),
  },
  (t) => [
    // The project's members (GET /projects/:id/members, the event audience, the last-owner rule).
    primaryKey({ name: 'project_members_pkey', columns: [t.projectId, t.userId] }),
    // "My projects": every project of a user with its role, index-only (the policy's lookup, GET /projects).
    index('project_members_user_idx').on(t.userId, t.projectId, t.role),
    check('project_members_role_check', sql`${t.role} in ('owner', 'editor', 'viewer')`),
  ],
);

export const projectInvitations = pgTable(
  'project_invitations',
  {
    id: uuid('id').notNull().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Normalised (trimmed, lower-cased), compared with the accepting user's email. */
    email: text('email').notNull(),
    role: text('role', { enum: ['editor', 'viewer'] }).notNull(),
    /** SHA-256 of the single-use token mailed as the link's `?token=`; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    primaryKey({ name: 'project_invitations_pkey', columns: [t.projectId, t.id] }),
    // POST /invitations/accept finds the invitation by its token's hash.
    uniqueIndex('project_invitations_token_key').on(t.tokenHash),
    // GET /projects/:id/invitations, newest first.
    index('project_invitations_project_idx').on(t.projectId, t.createdAt),
    check('project_invitations_role_check', sql`${t.role} in ('editor', 'viewer')`),
  ],
);

export type ProjectRow = typeof projects.$inferSelect;
export type ProjectMemberRow = typeof projectMembers.$inferSelect;
export type ProjectInvitationRow = typeof projectInvitations.$inferSelect;
