/** GET /api/v1/server-info: public, cacheable for a minute (it changes only with the configuration). */
import { type ServerInfo, serverInfoEnvelope } from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

export const serverInfoRoutes =
  (info: ServerInfo): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/',
      {
        schema: {
          tags: ['server'],
          summary: 'Public facts about this server: whether mail is sent (smtp) or kept in its outbox folder',
          response: { 200: serverInfoEnvelope },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'public, max-age=60');
        return { success: true as const, data: info };
      },
    );
  };
