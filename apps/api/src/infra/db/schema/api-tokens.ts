import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Personal API tokens (modules/tokens): the secret is never stored, only its SHA-256 hash (a 256-bit random value
 * needs no slow hash). Revoking a token deletes its row.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Subset of TOKEN_SCOPES (packages/shared/src/tokens.ts). */
    scopes: text('scopes').array().notNull(),
    /** Hex SHA-256 of the whole secret (`ptt_…`). */
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Null: never expires. */
    expiresAt: ts('expires_at'),
    /** Written at most once a minute per token. */
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_key').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId, t.createdAt)],
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;
