import { bigint, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A user's WebAuthn credential (issue 18 item 2): the authenticator's credential id (base64url) and COSE public key
 * (base64url), the signature counter last seen (an assertion must raise it unless the authenticator keeps none,
 * i.e. 0 both times), the transports the browser reported, and a name the user chooses.
 */
export const passkeys = pgTable(
  'passkeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull(),
    publicKey: text('public_key').notNull(),
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: text('transports').array().notNull().default([]),
    name: text('name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [uniqueIndex('passkeys_credential_key').on(t.credentialId), index('passkeys_user_idx').on(t.userId)],
);

/**
 * A WebAuthn challenge handed out by an options route: stored hashed, single-use (usedAt), short-lived. `purpose`
 * is registration (bound to the signed-in user) or login; a login challenge may be bound to an MFA sign-in
 * challenge (the passkey as the second factor) through mfaChallengeHash.
 */
export const webauthnChallenges = pgTable(
  'webauthn_challenges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    challengeHash: text('challenge_hash').notNull(),
    purpose: text('purpose', { enum: ['registration', 'login'] }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    mfaChallengeHash: text('mfa_challenge_hash'),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    uniqueIndex('webauthn_challenges_hash_key').on(t.challengeHash),
    index('webauthn_challenges_expiry_idx').on(t.expiresAt),
  ],
);

export type PasskeyRow = typeof passkeys.$inferSelect;
