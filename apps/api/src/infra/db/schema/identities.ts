import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A sign-in through an external OpenID Connect provider, linked to one user (modules/oidc).
 * `subject` is the provider's stable, pseudonymous `sub` (a lookup key, so it stays plaintext); the last
 * id_token is kept only as an AES-256-GCM envelope (infra/crypto), and only when FIELD_ENCRYPTION_KEYS is set.
 */
export const userIdentities = pgTable(
  'user_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    subject: text('subject').notNull(),
    /** The email the provider asserted at the last sign-in (normalised). */
    email: text('email'),
    /** Encrypted id_token of the last sign-in (id_token_hint for RP-initiated logout at the provider). */
    idTokenEnc: text('id_token_enc'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastLoginAt: ts('last_login_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('user_identities_provider_subject_key').on(t.provider, t.subject),
    index('user_identities_user_idx').on(t.userId),
  ],
);

export type UserIdentityRow = typeof userIdentities.$inferSelect;
