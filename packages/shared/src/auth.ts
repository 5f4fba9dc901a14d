import { z } from 'zod';
import { envelope, text } from './common';
import { emailSchema, nameSchema, userSchema } from './users';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Length in Unicode code points (an emoji counts once). */
export const codePointLength = (s: string) => [...s].length;

/** A new password: 8-128 code points, no composition rules (the common-password check is server side). */
export const passwordSchema = text()
  .max(PASSWORD_MAX * 4)
  .refine((p) => codePointLength(p) >= PASSWORD_MIN, {
    message: `Password must be at least ${PASSWORD_MIN} characters`,
  })
  .refine((p) => codePointLength(p) <= PASSWORD_MAX, {
    message: `Password must be at most ${PASSWORD_MAX} characters`,
  });

/** A password presented for checking (never hashed when absurdly long). */
export const presentedPassword = text()
  .min(1)
  .max(PASSWORD_MAX * 4);

export const registerBody = z.strictObject({
  name: nameSchema,
  email: emailSchema,
  password: passwordSchema,
});
export type RegisterBody = z.infer<typeof registerBody>;

export const loginBody = z.strictObject({ email: emailSchema, password: presentedPassword });
export type LoginBody = z.infer<typeof loginBody>;

export const refreshBody = z.strictObject({ refreshToken: text().min(1).max(512).optional() });
export const logoutBody = refreshBody;

export const authResultSchema = z
  .object({
    user: userSchema,
    accessToken: z.string().optional(),
    accessTokenExpiresAt: z.string().optional(),
    refreshToken: z.string().optional(),
    refreshTokenExpiresAt: z.string().optional(),
  })
  .meta({ id: 'AuthResult' });
export type AuthResult = z.infer<typeof authResultSchema>;
export const authEnvelope = envelope(authResultSchema);

export const sessionSchema = z
  .object({
    id: z.uuid(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string(),
    expiresAt: z.string(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof sessionSchema>;
export const sessionsEnvelope = envelope(z.array(sessionSchema));

export const changePasswordBody = z.strictObject({
  currentPassword: presentedPassword,
  newPassword: passwordSchema,
});
export const forgotPasswordBody = z.strictObject({ email: emailSchema });
export const resetPasswordBody = z.strictObject({
  token: text().min(1).max(512),
  password: passwordSchema,
});
export const verifyEmailBody = z.strictObject({ token: text().min(1).max(512) });

/** 202 answers (forgot-password, resend-verification): the request was taken, nothing more is said. */
export const acceptedEnvelope = envelope(z.object({ message: z.string() }));

/** Header a browser client sends to receive tokens as cookies only. */
export const AUTH_MODE_HEADER = 'x-auth-mode';
export const CSRF_HEADER = 'x-csrf-token';
export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
export const CSRF_COOKIE = 'csrf_token';

/**
 * The auth cookies' names. Over https they carry the prefix the browser enforces, so no subdomain or plain-http
 * page can plant or overwrite them: `__Host-` (Secure, Path=/, no Domain) for the access token and the CSRF value,
 * `__Secure-` (Secure) for the refresh token, whose Path=/api/v1/auth a `__Host-` cookie may not have. Plain
 * http://localhost keeps the bare names (a browser refuses prefixed cookies without Secure).
 */
export function authCookieNames(secure: boolean): { access: string; refresh: string; csrf: string } {
  return secure
    ? { access: `__Host-${ACCESS_COOKIE}`, refresh: `__Secure-${REFRESH_COOKIE}`, csrf: `__Host-${CSRF_COOKIE}` }
    : { access: ACCESS_COOKIE, refresh: REFRESH_COOKIE, csrf: CSRF_COOKIE };
}
