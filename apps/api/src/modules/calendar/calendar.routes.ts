/**
 * /api/v1/calendar: POST|DELETE /feed (signed in) manage the caller's feed URL; GET /:token.ics (no session: the
 * token in the URL is the credential) serves it as text/calendar, with a strong ETag for polling clients.
 */
import { calendarFeedEnvelope, calendarFeedParams, calendarFeedQuery } from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SECURED, uid } from '../../lib/http';
import type { CalendarService } from './calendar.service';

const TAGS = ['calendar'];

/** If-None-Match against the feed's ETag: weak comparison (RFC 9110 13.1.2), `*` matches. */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}

export const calendarRoutes =
  (service: CalendarService): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/feed',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Create or rotate your iCal feed URL (the previous URL stops working at once)',
          description:
            'The answer is the only time the URL is shown (the server keeps a hash of its token). Subscribe to ' +
            'it in a calendar app; add `?type=event` for apps that ignore to-dos (Google, Apple, Outlook).',
          security: SECURED,
          response: { 200: calendarFeedEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await service.rotate(uid(request)) }),
    );

    app.delete(
      '/feed',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Turn your iCal feed off: its URL answers 404 from now on (204 also when there was none)',
          security: SECURED,
        },
      },
      async (request, reply) => {
        await service.turnOff(uid(request));
        return reply.code(204).send();
      },
    );

    app.get(
      '/:token.ics',
      {
        schema: {
          tags: TAGS,
          summary: 'The iCal feed (RFC 5545) of your dated tasks; the secret token in the URL is the credential',
          description:
            'No session needed. One VTODO (or, with `type=event`, one VEVENT) per task with a due date in every ' +
            'project you are a member of; tasks finished more than 30 days ago are left out. A due date at local ' +
            'midnight in your time zone is an all-day item (VALUE=DATE), others are in UTC. Unknown or rotated ' +
            'tokens answer 404. Conditional GET with If-None-Match (304).',
          params: calendarFeedParams,
          querystring: calendarFeedQuery,
          produces: ['text/calendar'],
        },
      },
      async (request, reply) => {
        const feed = await service.feed(request.params.token, request.query.type, { ip: request.ip, reply });
        reply.header('etag', feed.etag).header('cache-control', 'private, max-age=300');
        if (noneMatch(request.headers['if-none-match'], feed.etag)) return reply.code(304).send();
        return reply
          .type('text/calendar; charset=utf-8')
          .header('content-disposition', 'inline; filename="tasks.ics"')
          .send(feed.body);
      },
    );
  };
