import { z } from 'zod';
import { authResultSchema } from './auth';
import { envelope, text } from './common';

/** A 6-digit TOTP code (spaces ignored: authenticator apps show "123 456"). */
export const totpCodeSchema = text()
  .max(64)
  .transform((v) => v.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Must be the 6-digit code from your authenticator app'));

/** A recovery code as shown (`xxxxx-xxxxx`); case, spaces and dashes are ignored. */
export const recoveryCodeSchema = text()
  .max(64)
  .transform((v) => v.toLowerCase().replace(/[\s-]+/g, ''))
  .pipe(z.string().regex(/^[a-z0-9]{10}$/, 'Must be one of your recovery codes'));

/** POST /auth/mfa/totp: the new (pending) secret, for the authenticator app (a QR of otpauthUrl). */
export const totpEnrolmentSchema = z
  .object({ secret: z.string().max(128), otpauthUrl: z.string().max(2048) })
  .meta({ id: 'TotpEnrolment' });
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;
export const totpEnrolmentEnvelope = envelope(totpEnrolmentSchema);

export const totpConfirmBody = z.strictObject({ code: totpCodeSchema });

/** POST /auth/mfa/totp/confirm: the 10 single-use recovery codes, shown only in this answer. */
export const recoveryCodesSchema = z
  .object({ recoveryCodes: z.array(z.string().max(11)).max(10) })
  .meta({ id: 'RecoveryCodes' });
export const recoveryCodesEnvelope = envelope(recoveryCodesSchema);

export const totpDisableBody = z.strictObject({ password: text().min(1).max(1024), code: totpCodeSchema });

/** GET /auth/mfa: what the account has. */
export const mfaStatusSchema = z
  .object({ totp: z.enum(['off', 'pending', 'on']), recoveryCodesLeft: z.number().int() })
  .meta({ id: 'MfaStatus' });
export type MfaStatus = z.infer<typeof mfaStatusSchema>;
export const mfaStatusEnvelope = envelope(mfaStatusSchema);

/** POST /auth/login with MFA on: no tokens yet, a short-lived single-use challenge for POST /auth/mfa/verify. */
export const mfaChallengeSchema = z
  .object({ mfaRequired: z.literal(true), challenge: z.string().max(256) })
  .meta({ id: 'MfaChallenge' });
export type MfaChallenge = z.infer<typeof mfaChallengeSchema>;
export const loginEnvelope = envelope(z.union([authResultSchema, mfaChallengeSchema]));

/** POST /auth/mfa/verify: the challenge and exactly one of a TOTP code or a recovery code. */
export const mfaVerifyBody = z
  .strictObject({
    challenge: text().min(1).max(256),
    code: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
  })
  .refine((b) => (b.code === undefined) !== (b.recoveryCode === undefined), {
    message: 'Send either code or recoveryCode',
    path: ['code'],
  });
export type MfaVerifyBody = z.infer<typeof mfaVerifyBody>;
