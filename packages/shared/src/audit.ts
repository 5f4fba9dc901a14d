import { z } from 'zod';
import { envelopeWithMeta, ISO_DATE_TIME_MAX, queryInt, text, uuid } from './common';

/**
 * The audit event types the API writes (issue 18 item 5). The list is open: other modules add theirs (`token.*`,
 * `passkey.*`), so the API schema says `string`; this list names the known ones for filters and labels.
 */
export const AUDIT_EVENT_TYPES = [
  'auth.register',
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.login.disabled',
  'auth.login.mfa_required',
  'auth.logout',
  'auth.logout_all',
  'auth.session.revoked',
  'auth.refresh.reuse_detected',
  'auth.reauth.failed',
  'auth.password.changed',
  'auth.password.reset',
  'auth.email.changed',
  'auth.email.verified',
  'mfa.totp.enrolment_started',
  'mfa.totp.enabled',
  'mfa.totp.disabled',
  'mfa.verify.failed',
  'mfa.recovery_code.used',
  'account.deleted',
  'admin.user.updated',
  'token.created',
  'token.revoked',
  'project.deleted',
  'project.member.added',
  'project.member.role_changed',
  'project.member.removed',
  'project.member.left',
  'project.invitation.created',
  'project.invitation.revoked',
  'project.ownership.transferred',
  'project.webhook.created',
  'project.webhook.updated',
  'project.webhook.deleted',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** The types a user sees in their own activity (GET /users/me/audit): everything about them but admin actions. */
export const isSelfAuditType = (type: string) => !type.startsWith('admin.');

export const auditEventSchema = z
  .object({
    /** Increasing; the cursor of `before`. */
    id: z.string().max(20),
    at: z.string().max(ISO_DATE_TIME_MAX),
    userId: z.uuid().nullable(),
    actorId: z.uuid().nullable(),
    type: z.string().max(100),
    ip: z.string().max(45).nullable(),
    userAgent: z.string().max(512).nullable(),
    details: z.record(z.string().max(64), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** `before`: the id of the last event of the previous page (`meta.nextBefore`); newest first. */
const before = z
  .string()
  .max(18)
  .regex(/^\d{1,18}$/, 'Must be an event id (meta.nextBefore)');

export const adminAuditQuery = z.strictObject({
  userId: uuid.optional(),
  type: text().trim().min(1).max(100).optional(),
  before: before.optional(),
  limit: queryInt(1, 100).default(50),
});
export type AdminAuditQuery = z.infer<typeof adminAuditQuery>;

export const myAuditQuery = z.strictObject({
  before: before.optional(),
  limit: queryInt(1, 100).default(50),
});

export const auditMetaSchema = z.object({
  limit: z.number().int(),
  hasMore: z.boolean(),
  nextBefore: z.string().max(20).nullable(),
});
export const auditEnvelope = envelopeWithMeta(z.array(auditEventSchema).max(100), auditMetaSchema);
export type AuditPage = z.infer<typeof auditEnvelope>;
