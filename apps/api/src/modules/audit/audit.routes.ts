/**
 * The audit log over HTTP: GET /admin/audit (administrators) and GET /users/me/audit (the caller's own). Registered
 * without a prefix (the paths sit under /admin and /users, which other modules own).
 */
import { adminAuditQuery, auditEnvelope, myAuditQuery } from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SECURED } from '../../lib/http';
import type { AuditService } from './audit.service';

export const auditRoutes =
  (service: AuditService): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/admin/audit',
      {
        onRequest: fastify.requireAdmin,
        schema: {
          tags: ['admin'],
          summary: 'The audit log, newest first (filters; cursor paging by `before`)',
          security: SECURED,
          querystring: adminAuditQuery,
          response: { 200: auditEnvelope },
        },
      },
      async (request) => ({ success: true as const, ...(await service.list(request.query)) }),
    );

    app.get(
      '/users/me/audit',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: ['users'],
          summary: 'Your own activity: sign-ins, sessions, MFA, password, email and token changes',
          security: SECURED,
          querystring: myAuditQuery,
          response: { 200: auditEnvelope },
        },
      },
      async (request) => ({ success: true as const, ...(await service.listMine(request.auth!.userId, request.query)) }),
    );
  };
