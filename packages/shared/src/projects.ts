/**
 * Projects, members and invitations (api.md "Additions (second round)": "Projects, members, sharing").
 */
import { z } from 'zod';
import { envelope, ISO_DATE_TIME_MAX, text, uuid } from './common';
import { emailSchema } from './users';

export const PROJECT_ROLES = ['owner', 'editor', 'viewer'] as const;
export const projectRoleSchema = z.enum(PROJECT_ROLES);
export type ProjectRole = z.infer<typeof projectRoleSchema>;
/** The roles an invitation may give (owners are made by a role change). */
export const invitationRoleSchema = z.enum(['editor', 'viewer']);

export const PROJECT_NAME_MAX = 100;
export const PROJECT_DESCRIPTION_MAX = 2000;
/** GET /projects and GET /projects/:id/members answer at most this many (the oldest first after the inbox). */
export const PROJECT_LIST_MAX = 1000;
/** How long an invitation link stays valid. */
export const INVITATION_TTL_DAYS = 7;

const noNul = (s: string) => !s.includes('\u0000');

export const projectSchema = z
  .object({
    id: z.uuid(),
    name: z.string().max(PROJECT_NAME_MAX),
    description: z.string().max(PROJECT_DESCRIPTION_MAX),
    color: z.string().max(7).nullable(),
    archived: z.boolean(),
    /** The caller's personal project: never shared, never deleted. */
    inbox: z.boolean(),
    /** The caller's role in it. */
    role: projectRoleSchema,
    memberCount: z.number().int(),
    taskCount: z.number().int(),
    createdAt: z.string().max(ISO_DATE_TIME_MAX),
    updatedAt: z.string().max(ISO_DATE_TIME_MAX),
    version: z.number().int(),
  })
  .meta({ id: 'Project' });
export type Project = z.infer<typeof projectSchema>;

const projectName = text().trim().min(1).max(PROJECT_NAME_MAX).refine(noNul, 'Must not contain NUL characters');
const projectDescription = text().max(PROJECT_DESCRIPTION_MAX).refine(noNul, 'Must not contain NUL characters');
const projectColor = z
  .string()
  .max(7)
  .regex(/^#[0-9a-fA-F]{6}$/, 'A colour as #rrggbb')
  .transform((c) => c.toLowerCase())
  .nullable();

export const createProjectBody = z.strictObject({
  name: projectName,
  description: projectDescription.default(''),
  color: projectColor.default(null),
});
export type CreateProjectBody = z.infer<typeof createProjectBody>;

export const patchProjectBody = z.strictObject({
  name: projectName.optional(),
  description: projectDescription.optional(),
  color: projectColor.optional(),
  archived: z.boolean().optional(),
});
export type PatchProjectBody = z.infer<typeof patchProjectBody>;

export const projectEnvelope = envelope(projectSchema);
export const projectListEnvelope = envelope(z.array(projectSchema).max(PROJECT_LIST_MAX));

export const projectMemberSchema = z
  .object({
    userId: z.uuid(),
    name: z.string().max(100),
    email: z.string().max(254),
    role: projectRoleSchema,
    joinedAt: z.string().max(ISO_DATE_TIME_MAX),
  })
  .meta({ id: 'ProjectMember' });
export type ProjectMember = z.infer<typeof projectMemberSchema>;
export const projectMemberListEnvelope = envelope(z.array(projectMemberSchema).max(PROJECT_LIST_MAX));
export const projectMemberEnvelope = envelope(projectMemberSchema);

export const patchMemberBody = z.strictObject({ role: projectRoleSchema });
export type PatchMemberBody = z.infer<typeof patchMemberBody>;

export const projectParams = z.strictObject({ id: uuid });
export const memberParams = z.strictObject({ id: uuid, userId: uuid });
export const invitationParams = z.strictObject({ id: uuid, invId: uuid });

export const invitationSchema = z
  .object({
    id: z.uuid(),
    projectId: z.uuid(),
    email: z.string().max(254),
    role: invitationRoleSchema,
    invitedBy: z.uuid().nullable(),
    createdAt: z.string().max(ISO_DATE_TIME_MAX),
    expiresAt: z.string().max(ISO_DATE_TIME_MAX),
    /** pending (usable), accepted, revoked or expired. */
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  })
  .meta({ id: 'ProjectInvitation' });
export type ProjectInvitation = z.infer<typeof invitationSchema>;
export const invitationEnvelope = envelope(invitationSchema);
export const invitationListEnvelope = envelope(z.array(invitationSchema).max(500)); // invitationsOf limits to 500

export const createInvitationBody = z.strictObject({
  email: emailSchema,
  role: invitationRoleSchema,
});
export type CreateInvitationBody = z.infer<typeof createInvitationBody>;

export const acceptInvitationBody = z.strictObject({
  token: text().min(1).max(200),
});
export type AcceptInvitationBody = z.infer<typeof acceptInvitationBody>;
