/** /api/v1/admin: administrators only (403 for everyone else). */
import {
  adminJobsEnvelope,
  adminPatchUserBody,
  adminStatsSchema,
  adminUsersEnvelope,
  adminUsersQuery,
  envelope,
  idParams,
  userEnvelope,
} from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientInfo, SECURED } from '../../lib/http';
import type { AdminService } from './admin.service';

const TAGS = ['admin'];

export const adminRoutes =
  (service: AdminService): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    fastify.addHook('onRequest', fastify.requireAdmin);

    app.get(
      '/users',
      {
        schema: {
          tags: TAGS,
          summary: 'Search users (page paging)',
          security: SECURED,
          querystring: adminUsersQuery,
          response: { 200: adminUsersEnvelope },
        },
      },
      async (request) => ({ success: true as const, ...(await service.listUsers(request.query)) }),
    );

    app.patch(
      '/users/:id',
      {
        schema: {
          tags: TAGS,
          summary: "Change a user's role or active flag (disabling revokes their sessions)",
          security: SECURED,
          params: idParams,
          body: adminPatchUserBody,
          response: { 200: userEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await service.updateUser(request.auth!, request.params.id, request.body, clientInfo(request)),
      }),
    );

    app.get(
      '/stats',
      {
        schema: {
          tags: TAGS,
          summary: 'Users and tasks at a glance',
          security: SECURED,
          response: { 200: envelope(adminStatsSchema) },
        },
      },
      async () => ({ success: true as const, data: await service.stats() }),
    );

    app.get(
      '/jobs',
      {
        schema: {
          tags: TAGS,
          summary: 'Background jobs: queue counts and the most recent failures (the failed set)',
          security: SECURED,
          response: { 200: adminJobsEnvelope },
        },
      },
      async () => ({ success: true as const, data: await service.jobs() }),
    );
  };
