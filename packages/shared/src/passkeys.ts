/**
 * Passkeys (WebAuthn; api.md "Tokens, webhooks, MFA, audit"): register a credential for the signed-in account, list,
 * rename and delete them, and sign in with one (passwordless, or as the second factor of a password sign-in with
 * MFA on). The options and credentials are the JSON forms of the WebAuthn Level 3 spec (base64url binary fields),
 * as @simplewebauthn/browser sends and reads them.
 */
import { z } from 'zod';
import { envelope, text } from './common';

/** Passkeys one account may hold. */
export const PASSKEYS_PER_USER_MAX = 20;
export const PASSKEY_NAME_MAX = 100;

const b64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, 'Must be base64url');
const transports = z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(7);

/** A PublicKeyCredential from navigator.credentials.create(), as JSON (RegistrationResponseJSON). */
export const passkeyRegistrationCredential = z.looseObject({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(65_536),
    transports: transports.optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.looseObject({}).default({}),
});

/** A PublicKeyCredential from navigator.credentials.get(), as JSON (AuthenticationResponseJSON). */
export const passkeyAuthenticationCredential = z.looseObject({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(8192),
    signature: b64url(2048),
    userHandle: b64url(1024).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.looseObject({}).default({}),
});

/** POST /auth/passkeys/options and /auth/passkeys/login/options: the options for the browser (challenge inside). */
export const passkeyOptionsSchema = z
  .looseObject({ challenge: z.string().max(256) })
  .describe('PublicKeyCredentialCreationOptionsJSON (registration) or PublicKeyCredentialRequestOptionsJSON (login)')
  .meta({ id: 'PasskeyOptions' });
export const passkeyOptionsEnvelope = envelope(passkeyOptionsSchema);

export const passkeyRegisterBody = z.strictObject({
  credential: passkeyRegistrationCredential,
  name: text().trim().min(1).max(PASSKEY_NAME_MAX).optional(),
});
export type PasskeyRegisterBody = z.infer<typeof passkeyRegisterBody>;

/** Login options: none for a passwordless sign-in, or the MFA challenge of a password sign-in (second factor). */
export const passkeyLoginOptionsBody = z.strictObject({ mfaChallenge: text().min(1).max(256).optional() });

export const passkeyLoginBody = z.strictObject({ credential: passkeyAuthenticationCredential });
export type PasskeyLoginBody = z.infer<typeof passkeyLoginBody>;

export const passkeyRenameBody = z.strictObject({ name: text().trim().min(1).max(PASSKEY_NAME_MAX) });

export const passkeySchema = z
  .object({
    id: z.uuid(),
    name: z.string().max(PASSKEY_NAME_MAX),
    transports: z.array(z.string().max(16)).max(7),
    createdAt: z.string().max(40),
    lastUsedAt: z.string().max(40).nullable(),
  })
  .meta({ id: 'Passkey' });
export type Passkey = z.infer<typeof passkeySchema>;
export const passkeyEnvelope = envelope(passkeySchema);
export const passkeyListEnvelope = envelope(z.array(passkeySchema).max(PASSKEYS_PER_USER_MAX));
