/** /api/v1/views: the caller's saved views (GET, POST; PATCH, DELETE by id). */
import { createViewBody, idParams, patchViewBody, savedViewEnvelope, savedViewListEnvelope } from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SECURED, uid } from '../../lib/http';
import type { ViewsService } from './views.service';

const TAGS = ['views'];

export const viewRoutes =
  (service: ViewsService): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    fastify.addHook('onRequest', fastify.requireAuth);

    app.get(
      '/',
      {
        schema: {
          tags: TAGS,
          summary: 'The caller’s saved views, in sidebar order',
          security: SECURED,
          response: { 200: savedViewListEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await service.list(uid(request)) }),
    );

    app.post(
      '/',
      {
        schema: {
          tags: TAGS,
          summary: 'Save a view: a name and a GET /tasks query string (validated like the list)',
          security: SECURED,
          body: createViewBody,
          response: { 201: savedViewEnvelope },
        },
      },
      async (request, reply) => {
        const view = await service.create(uid(request), request.body);
        const base = (request.routeOptions.url ?? '/api/v1/views').replace(/\/+$/, '');
        reply.code(201).header('location', `${base}/${view.id}`);
        return { success: true as const, data: view };
      },
    );

    app.patch(
      '/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Rename a view, change its query, or move it to another position (the others shift)',
          security: SECURED,
          params: idParams,
          body: patchViewBody,
          response: { 200: savedViewEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await service.update(uid(request), request.params.id, request.body),
      }),
    );

    app.delete(
      '/:id',
      {
        schema: { tags: TAGS, summary: 'Delete a view', security: SECURED, params: idParams },
      },
      async (request, reply) => {
        await service.remove(uid(request), request.params.id);
        return reply.code(204).send();
      },
    );
  };
