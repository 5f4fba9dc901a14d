/**
 * /api/v1/tasks — thin handlers (parse → one service call → reply): the zod schemas of @primetrade/shared
 * validate, document and serialise; the service holds the rules. Static paths (/stats, /export, /bulk, /import)
 * win over /:id in the router.
 */
import { Readable } from 'node:stream';
import {
  bulkBody,
  bulkResultEnvelope,
  createTaskBody,
  exportTasksQuery,
  historyEnvelope,
  idParams,
  importFileBody,
  importOutcomeEnvelope,
  importQuery,
  listTasksQuery,
  patchTaskBody,
  replaceTaskBody,
  taskEnvelope,
  taskListEnvelope,
  taskStatsEnvelope,
  type TaskStatsQuery,
  taskStatsQuery,
} from '@primetrade/shared';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { setRateLimitHeaders } from '../../infra/rate-limit';
import { header, ifMatchHeaders, ifNoneMatchHeaders, SECURED, uid } from '../../lib/http';
import type { TasksService } from './tasks.service';

const IMPORT_BODY_LIMIT = 10 * 1024 * 1024;
/**
 * An import answers only when it is done; in embedded mode it yields to other requests (R11) and may outlast the
 * server's 60 s idle-connection timeout on a slow or busy machine, which would cut the connection mid-import.
 */
const IMPORT_SOCKET_TIMEOUT_MS = 10 * 60_000;
const TAGS = ['tasks'];

const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces')
    .optional()
    .describe('Same key + same body within 24 h → the same response, no duplicate; other body → 409'),
});

function location(request: FastifyRequest, id: string): string {
  const base = (request.routeOptions.url ?? '/api/v1/tasks').replace(/\/+$/, '');
  return `${base}/${id}`;
}

export function taskRoutes(service: TasksService): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', app.requireAuth);

    r.get(
      '/',
      {
        schema: {
          tags: TAGS,
          summary: 'List tasks (filters; cursor paging by default, page paging with ?page)',
          security: SECURED,
          headers: ifNoneMatchHeaders,
          querystring: listTasksQuery,
          response: { 200: taskListEnvelope },
        },
      },
      async (request, reply) => {
        // The ETag names the user's data version and the exact query: a match is 304 without running the query.
        const out = await service.reads.list(uid(request), request.query, {
          url: request.url,
          ifNoneMatch: header(request, 'if-none-match'),
        });
        reply.header('etag', out.etag);
        if (out.notModified) return (reply as FastifyReply).code(304).send();
        return { success: true as const, data: out.value.data, meta: out.value.meta };
      },
    );

    r.post(
      '/',
      {
        schema: {
          tags: TAGS,
          summary: 'Create a task',
          security: SECURED,
          headers: idempotencyHeaders,
          body: createTaskBody,
          response: { 201: taskEnvelope },
        },
      },
      async (request, reply) => {
        const result = await service.writes.create(uid(request), request.body, {
          idempotencyKey: header(request, 'idempotency-key'),
          location: (id) => location(request, id),
          onRateLimit: (limit) => setRateLimitHeaders(reply, limit),
        });
        reply.code(201).headers(result.headers);
        return result.body;
      },
    );

    const statsOptions = {
      schema: {
        tags: TAGS,
        summary: "Task statistics of the caller's projects or of one (exact; cached per user, invalidated by writes)",
        security: SECURED,
        querystring: taskStatsQuery,
        response: { 200: taskStatsEnvelope },
      },
    };
    const statsHandler = async (request: FastifyRequest<{ Querystring: TaskStatsQuery }>) => ({
      success: true as const,
      data: await service.stats.get(uid(request), request.query.projectId),
    });
    r.get('/stats', statsOptions, statsHandler);
    r.get('/stats/overview', statsOptions, statsHandler);

    r.get(
      '/export',
      {
        schema: {
          tags: TAGS,
          summary: 'Download tasks as CSV or JSON (list filters apply; streamed)',
          security: SECURED,
          querystring: exportTasksQuery,
          produces: ['text/csv', 'application/json'],
        },
      },
      async (request, reply) => {
        const file = await service.transfer.export(uid(request), request.query);
        reply
          .header('content-type', file.contentType)
          .header('content-disposition', `attachment; filename="${file.filename}"`);
        return reply.send(Readable.from(file.chunks));
      },
    );

    r.post(
      '/bulk',
      {
        schema: {
          tags: TAGS,
          summary: 'Update or delete many of your tasks in one transaction',
          security: SECURED,
          body: bulkBody,
          response: { 200: bulkResultEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: { affected: await service.writes.bulk(uid(request), request.body) },
      }),
    );

    // Import: its own scope, so the text/csv and zip parsers and the 10 MiB limit apply to this route only.
    await app.register(async (child) => {
      child.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) =>
        done(null, body),
      );
      // A Vikunja export zip (browsers label .zip files either way), or any file as bytes.
      child.addContentTypeParser(
        ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'],
        { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT },
        (_req, body, done) => done(null, body),
      );
      child.withTypeProvider<ZodTypeProvider>().post(
        '/import',
        {
          bodyLimit: IMPORT_BODY_LIMIT,
          schema: {
            tags: TAGS,
            summary:
              'Import tasks from CSV (text/csv) or a JSON array, or from Todoist, Trello or Vikunja (format); dryRun previews',
            security: SECURED,
            consumes: ['application/json', 'text/csv', 'application/zip'],
            querystring: importQuery,
            body: importFileBody,
            response: { 200: importOutcomeEnvelope },
          },
        },
        async (request) => {
          request.raw.socket?.setTimeout?.(IMPORT_SOCKET_TIMEOUT_MS); // (app.inject has no socket)
          const csv = /^text\/csv\b/i.test(header(request, 'content-type') ?? '');
          const { format = 'native', dryRun = false } = request.query;
          return {
            success: true as const,
            data: await service.imports.import(uid(request), request.body, { format, dryRun, csv }),
          };
        },
      );
    });

    r.get(
      '/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Get a task (ETag; If-None-Match → 304)',
          security: SECURED,
          params: idParams,
          headers: ifNoneMatchHeaders,
          response: { 200: taskEnvelope },
        },
      },
      async (request, reply) => {
        const out = await service.reads.get(uid(request), request.params.id, header(request, 'if-none-match'));
        reply.header('etag', out.etag);
        if (out.notModified) return (reply as FastifyReply).code(304).send();
        return { success: true as const, data: out.value };
      },
    );

    const writeHandler = async (
      request: FastifyRequest<{ Params: { id: string }; Body: z.output<typeof patchTaskBody> }>,
      reply: FastifyReply,
    ) => {
      const { task, etag } = await service.writes.update(uid(request), request.params.id, request.body, {
        ifMatch: header(request, 'if-match'),
      });
      reply.header('etag', etag);
      return { success: true as const, data: task };
    };

    r.patch(
      '/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Change some fields of a task (If-Match optional; mismatch → 412)',
          security: SECURED,
          params: idParams,
          headers: ifMatchHeaders,
          body: patchTaskBody,
          response: { 200: taskEnvelope },
        },
      },
      writeHandler,
    );

    r.put(
      '/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Replace the writable fields of a task (title required; others default)',
          security: SECURED,
          params: idParams,
          headers: ifMatchHeaders,
          body: replaceTaskBody,
          response: { 200: taskEnvelope },
        },
      },
      writeHandler,
    );

    r.delete(
      '/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete a task (If-Match optional); restorable for 30 days, then purged',
          security: SECURED,
          params: idParams,
          headers: ifMatchHeaders,
        },
      },
      async (request, reply) => {
        await service.writes.remove(uid(request), request.params.id, { ifMatch: header(request, 'if-match') });
        return reply.code(204).send();
      },
    );

    r.post(
      '/:id/restore',
      {
        schema: {
          tags: TAGS,
          summary: 'Undo a delete of the last 30 days (404 when not deleted, purged or not yours)',
          security: SECURED,
          params: idParams,
          response: { 200: taskEnvelope },
        },
      },
      async (request, reply) => {
        const { task, etag } = await service.writes.restore(uid(request), request.params.id);
        reply.header('etag', etag);
        return { success: true as const, data: task };
      },
    );

    r.post(
      '/:id/skip',
      {
        schema: {
          tags: TAGS,
          summary: 'Move a recurring occurrence to its next date without completing it (If-Match optional)',
          description:
            'The due date becomes the rule’s next one after it (in the owner’s time zone); no occurrence is created and a `count` goes down by one. 409 when the task does not repeat, is completed or cancelled, or the series has no next date.',
          security: SECURED,
          params: idParams,
          headers: ifMatchHeaders,
          response: { 200: taskEnvelope },
        },
      },
      async (request, reply) => {
        const { task, etag } = await service.writes.skip(uid(request), request.params.id, {
          ifMatch: header(request, 'if-match'),
        });
        reply.header('etag', etag);
        return { success: true as const, data: task };
      },
    );

    r.get(
      '/:id/history',
      {
        schema: {
          tags: TAGS,
          summary: 'The activity of a task, newest first',
          security: SECURED,
          params: idParams,
          response: { 200: historyEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await service.history.list(uid(request), request.params.id),
      }),
    );
  };
}
