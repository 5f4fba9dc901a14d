/**
 * The iCal feed (api.md "Recurrence, reminders, views, quick add, undo", issue 17 item 5): a secret per-user URL
 * that calendar apps subscribe to. POST /calendar/feed creates or rotates it (the old URL stops at once),
 * DELETE /calendar/feed turns it off, GET /calendar/:token.ics serves it (the token is the credential).
 */
import { z } from 'zod';
import { envelope } from './common';

/** The secret in the URL: 32 random bytes, base64url (43 characters). */
export const CALENDAR_TOKEN_LENGTH = 43;

/** What the feed holds: VTODO items (the default), VEVENT items (`?type=event`, for apps that ignore to-dos). */
export const CALENDAR_FEED_TYPES = ['todo', 'event'] as const;
export type CalendarFeedType = (typeof CALENDAR_FEED_TYPES)[number];

/** Completed (and cancelled) tasks leave the feed this many days after they were completed (or last changed). */
export const CALENDAR_DONE_DAYS = 30;

/** POST /calendar/feed → 200: the feed's URL, shown only in this answer (the server keeps its hash). */
export const calendarFeedSchema = z
  .object({
    url: z
      .url()
      .max(2048)
      .describe('`<APP_URL>/api/v1/calendar/<token>.ics`: whoever has it can read your dated tasks'),
  })
  .meta({ id: 'CalendarFeed' });
export type CalendarFeed = z.infer<typeof calendarFeedSchema>;
export const calendarFeedEnvelope = envelope(calendarFeedSchema);

/** GET /calendar/:token.ics */
export const calendarFeedParams = z.strictObject({
  token: z.string().max(200).describe('The secret token of the feed URL (with or without `.ics`)'),
});
export const calendarFeedQuery = z.strictObject({
  type: z
    .enum(CALENDAR_FEED_TYPES)
    .default('todo')
    .describe('`todo`: one VTODO per dated task; `event`: one VEVENT instead (Google, Apple and Outlook ignore VTODO)'),
});
export type CalendarFeedQuery = z.infer<typeof calendarFeedQuery>;
