import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A user's iCal feed (issue 17 item 5): at most one per user (the primary key), found by the SHA-256 of its
 * secret URL token (hex). Rotating replaces the hash in place, so the old URL stops working at once everywhere.
 */
export const calendarFeeds = pgTable('calendar_feeds', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique('calendar_feeds_token_hash_key'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export type CalendarFeedRow = typeof calendarFeeds.$inferSelect;
