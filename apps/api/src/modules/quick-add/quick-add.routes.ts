/** POST /api/v1/tasks/parse — one thin handler over the quick-add service (registered under the /tasks prefix). */
import { parsedTaskEnvelope, parseTaskBody } from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SECURED } from '../../lib/http';
import type { QuickAddService } from './quick-add.service';

export const quickAddRoutes =
  (service: QuickAddService): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    fastify.addHook('onRequest', fastify.requireAuth);

    app.post(
      '/parse',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Read a quick-add line into a task draft (dates, every…, #tags, +Project, p1-p4); creates nothing',
          security: SECURED,
          body: parseTaskBody,
          response: { 200: parsedTaskEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await service.parse(request.auth!.userId, request.body),
      }),
    );
  };
