import { z } from 'zod';
import { envelope, envelopeWithMeta, pageMetaSchema, queryInt, text, timezone } from './common';

export const roleSchema = z.enum(['user', 'admin']);
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    role: roleSchema,
    emailVerified: z.boolean(),
    isActive: z.boolean(),
    timezone: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;

export const nameSchema = text().trim().min(1).max(100);
/** Email: trimmed, checked, stored lower-cased (email is case-insensitive). */
export const emailSchema = text()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());

export const updateProfileBody = z.strictObject({
  name: nameSchema.optional(),
  timezone: timezone.optional(),
});
export const changeEmailBody = z.strictObject({
  email: emailSchema,
  currentPassword: text().min(1).max(1024),
});
/**
 * PATCH /users/me: a profile change (`name`, `timezone`), and/or an email change that needs `currentPassword`.
 * One strict object so that every bad or unknown field is reported with its own path.
 */
export const updateMeBody = z
  .strictObject({
    name: nameSchema.optional(),
    timezone: timezone.optional(),
    email: emailSchema.optional(),
    currentPassword: text().min(1).max(1024).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.email !== undefined && b.currentPassword === undefined) {
      ctx.addIssue({ code: 'custom', path: ['currentPassword'], message: 'Required to change the email address' });
    }
    if (b.currentPassword !== undefined && b.email === undefined) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'currentPassword is only used to change the email' });
    }
  });
export type UpdateMeBody = z.infer<typeof updateMeBody>;

export const deleteMeBody = z.strictObject({ password: text().min(1).max(1024) });

export const userEnvelope = envelope(userSchema);

export const adminUsersQuery = z.strictObject({
  q: text().max(200).optional(),
  page: queryInt(1, 1_000_000).default(1),
  limit: queryInt(1, 100).default(20),
});
export const adminUsersEnvelope = envelopeWithMeta(z.array(userSchema), pageMetaSchema);
export const adminPatchUserBody = z
  .strictObject({ role: roleSchema.optional(), isActive: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.isActive !== undefined, {
    message: 'Give role or isActive',
  });
export const adminStatsSchema = z.object({
  users: z.number().int(),
  activeUsers: z.number().int(),
  tasks: z.number().int(),
  tasksByStatus: z.object({
    pending: z.number().int(),
    in_progress: z.number().int(),
    completed: z.number().int(),
    cancelled: z.number().int(),
  }),
});
export type AdminStats = z.infer<typeof adminStatsSchema>;

/** Reminder preferences (GET/PATCH /users/me/preferences): kept apart from the contract's User object. */
export const preferencesSchema = z
  .object({
    remindersEnabled: z.boolean(),
    /** How long before the due date the due-soon reminder goes out (15 min to 7 days). */
    reminderLeadMinutes: z.number().int(),
  })
  .meta({ id: 'Preferences' });
export type Preferences = z.infer<typeof preferencesSchema>;
export const updatePreferencesBody = z
  .strictObject({
    remindersEnabled: z.boolean().optional(),
    reminderLeadMinutes: z.number().int().min(15).max(10_080).optional(),
  })
  .refine((b) => b.remindersEnabled !== undefined || b.reminderLeadMinutes !== undefined, {
    message: 'Give remindersEnabled or reminderLeadMinutes',
  });
export const preferencesEnvelope = envelope(preferencesSchema);

/** GET /admin/jobs: the background queue's counts and its most recent failures. */
export const adminJobsSchema = z
  .object({
    kind: z.enum(['bullmq', 'inprocess']),
    counts: z.object({
      waiting: z.number().int(),
      active: z.number().int(),
      delayed: z.number().int(),
      failed: z.number().int(),
      completed: z.number().int(),
    }),
    failed: z.array(z.object({ id: z.string(), name: z.string(), attempts: z.number().int(), error: z.string() })),
  })
  .meta({ id: 'AdminJobs' });
export const adminJobsEnvelope = envelope(adminJobsSchema);
export type AdminJobs = z.infer<typeof adminJobsSchema>;
