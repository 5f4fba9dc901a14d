/**
 * /api/v1/tasks — thin handlers: the zod schemas of @primetrade/shared validate, document and serialise;
 * TasksService holds the rules. Static paths (/stats, /export, /bulk, /import) win over /:id in the router.
 */
import { Readable } from 'node:stream';
import {
  bulkBody,
  bulkResultEnvelope,
  createTaskBody,
  exportTasksQuery,
  historyEnvelope,
  idParams,
  importResultEnvelope,
  importTasksBody,
  listTasksQuery,
  patchTaskBody,
  replaceTaskBody,
  taskEnvelope,
  taskListEnvelope,
  taskStatsEnvelope,
} from '@primetrade/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { validation } from '../../lib/errors';
import { enforce, hit } from '../../plugins/rate-limit';
import { csvHeader, csvRow } from './tasks.csv';
import { etagMatches, etagOf, TasksService } from './tasks.service';

export const IMPORT_BODY_LIMIT = 10 * 1024 * 1024;
const TAGS = ['tasks'];
const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { cookieAuth: [] }];

const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces')
    .optional()
    .describe('Same key + same body within 24 h → the same response, no duplicate; other body → 409'),
});
const ifMatchHeaders = z.looseObject({
  'if-match': z.string().max(1024).optional().describe('The ETag you read; a mismatch is 412'),
});
const ifNoneMatchHeaders = z.looseObject({
  'if-none-match': z.string().max(4096).optional().describe('ETags you hold; a match is 304'),
});

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function location(request: FastifyRequest, id: string): string {
  const base = (request.routeOptions.url ?? '/api/v1/tasks').replace(/\/+$/, '');
  return `${base}/${id}`;
}

export async function taskRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const service = new TasksService(app.deps);
  const { rateLimit } = app.deps.config;
  app.addHook('onRequest', app.requireAuth);

  const uid = (request: FastifyRequest) => {
    const auth = request.auth;
    if (!auth) throw new Error('requireAuth did not run');
    return auth.userId;
  };

  r.get(
    '/',
    {
      schema: {
        tags: TAGS,
        summary: 'List tasks (filters; cursor paging by default, page paging with ?page)',
        security,
        headers: ifNoneMatchHeaders,
        querystring: listTasksQuery,
        response: { 200: taskListEnvelope },
      },
    },
    async (request, reply) => {
      const userId = uid(request);
      // The list's ETag names the user's data version (bumped by every write) and the exact query, so a
      // conditional GET is answered 304 without running the query.
      const etag = await service.listEtag(userId, request.url);
      reply.header('etag', etag);
      // Weak comparison (RFC 9110 §13.1.2): the W/ prefix is ignored on both sides.
      if (etagMatches(header(request, 'if-none-match'), etag.slice(2))) return (reply as FastifyReply).code(304).send();
      const result = await service.list(userId, request.query);
      return { success: true as const, data: result.data, meta: result.meta };
    },
  );

  r.post(
    '/',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a task',
        security,
        headers: idempotencyHeaders,
        body: createTaskBody,
        response: { 201: taskEnvelope },
      },
    },
    async (request, reply) => {
      const userId = uid(request);
      const result = await service.create(userId, request.body, {
        idempotencyKey: header(request, 'idempotency-key'),
        location: (id) => location(request, id),
        beforeCreate: async () => {
          const res = await hit(
            app.deps.rateLimitStore,
            `tasks:create:${userId}`,
            rateLimit.taskCreateMax,
            rateLimit.taskCreateWindowSec,
          );
          enforce(reply, res, 'Too many tasks created, try again later');
        },
      });
      reply.code(201).headers(result.headers);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return result.body;
    },
  );

  const statsOptions = {
    schema: {
      tags: TAGS,
      summary: 'Task statistics (exact; cached per user and invalidated by every write)',
      security,
      response: { 200: taskStatsEnvelope },
    },
  };
  const statsHandler = async (request: FastifyRequest) => ({
    success: true as const,
    data: await service.stats(uid(request)),
  });
  r.get('/stats', statsOptions, statsHandler);
  r.get('/stats/overview', statsOptions, statsHandler);

  r.get(
    '/export',
    {
      schema: {
        tags: TAGS,
        summary: 'Download tasks as CSV or JSON (list filters apply; streamed)',
        security,
        querystring: exportTasksQuery,
        produces: ['text/csv', 'application/json'],
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const rows = service.exportRows(uid(request), query);
      const date = new Date().toISOString().slice(0, 10);
      async function* body(): AsyncGenerator<string> {
        if (format === 'csv') {
          yield csvHeader();
          for await (const t of rows) yield csvRow(t);
          return;
        }
        yield '[';
        let first = true;
        for await (const t of rows) {
          yield `${first ? '' : ','}\n${JSON.stringify(t)}`;
          first = false;
        }
        yield first ? ']' : '\n]';
      }
      reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="tasks-${date}.${format}"`);
      return reply.send(Readable.from(body()));
    },
  );

  r.post(
    '/bulk',
    {
      schema: {
        tags: TAGS,
        summary: 'Update or delete many of your tasks in one transaction',
        security,
        body: bulkBody,
        response: { 200: bulkResultEnvelope },
      },
    },
    async (request) => ({ success: true as const, data: { affected: await service.bulk(uid(request), request.body) } }),
  );

  // Import: its own scope, so the text/csv parser and the 10 MiB limit apply to this route only.
  await app.register(async (child) => {
    child.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    child.withTypeProvider<ZodTypeProvider>().post(
      '/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags: TAGS,
          summary: 'Import tasks from CSV (text/csv) or a JSON array; each row validated',
          security,
          consumes: ['application/json', 'text/csv'],
          body: importTasksBody,
          response: { 200: importResultEnvelope },
        },
      },
      async (request) => {
        const isCsv = /^text\/csv\b/i.test(header(request, 'content-type') ?? '');
        const body = request.body;
        if (!isCsv && typeof body === 'string') {
          throw validation([{ path: 'body', message: 'Send a JSON array of tasks, or CSV as text/csv' }]);
        }
        return { success: true as const, data: await service.import(uid(request), body) };
      },
    );
  });

  r.get(
    '/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Get a task (ETag; If-None-Match → 304)',
        security,
        params: idParams,
        headers: ifNoneMatchHeaders,
        response: { 200: taskEnvelope },
      },
    },
    async (request, reply) => {
      const task = await service.get(uid(request), request.params.id);
      const etag = etagOf(task.id, task.version);
      reply.header('etag', etag);
      if (etagMatches(header(request, 'if-none-match'), etag)) return (reply as FastifyReply).code(304).send();
      return { success: true as const, data: task };
    },
  );

  const writeHandler = async (
    request: FastifyRequest<{ Params: { id: string }; Body: z.output<typeof patchTaskBody> }>,
    reply: FastifyReply,
  ) => {
    const { task } = await service.update(uid(request), request.params.id, request.body, {
      ifMatch: header(request, 'if-match'),
    });
    reply.header('etag', etagOf(task.id, task.version));
    return { success: true as const, data: task };
  };

  r.patch(
    '/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change some fields of a task (If-Match optional; mismatch → 412)',
        security,
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
        security,
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
        summary: 'Delete a task (If-Match optional)',
        security,
        params: idParams,
        headers: ifMatchHeaders,
      },
    },
    async (request, reply) => {
      await service.remove(uid(request), request.params.id, { ifMatch: header(request, 'if-match') });
      return reply.code(204).send();
    },
  );

  r.get(
    '/:id/history',
    {
      schema: {
        tags: TAGS,
        summary: 'The activity of a task, newest first',
        security,
        params: idParams,
        response: { 200: historyEnvelope },
      },
    },
    async (request) => ({ success: true as const, data: await service.history(uid(request), request.params.id) }),
  );
}
