/** /api/v1/users: the signed-in user's own account. */
import {
  deleteMeBody,
  preferencesEnvelope,
  updateMeBody,
  updatePreferencesBody,
  userEnvelope,
} from '@primetrade/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientInfo, SECURED } from '../auth/auth.routes';
import { clearAuthCookies } from '../auth/auth-cookies';
import { reauthFailKey, withFailureLimit } from '../auth/auth-limits';
import { UsersService } from './users.service';

const TAGS = ['users'];

export async function userRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { deps } = fastify;
  const service = new UsersService(deps);

  app.get(
    '/me',
    {
      onRequest: fastify.requireAuth,
      schema: { tags: TAGS, summary: 'The signed-in user', security: SECURED, response: { 200: userEnvelope } },
    },
    async (request) => ({ success: true as const, data: await service.me(request.auth!.userId) }),
  );

  app.patch(
    '/me',
    {
      onRequest: fastify.requireAuth,
      schema: {
        tags: TAGS,
        summary: 'Update name/timezone, or change the email with the current password',
        security: SECURED,
        body: updateMeBody,
        response: { 200: userEnvelope },
      },
    },
    async (request, reply) => {
      const userId = request.auth!.userId;
      const run = () => service.update(userId, request.body, clientInfo(request));
      const user =
        request.body.email !== undefined
          ? await withFailureLimit(deps, reauthFailKey(userId), request, reply, { userId }, run)
          : await run();
      return { success: true as const, data: user };
    },
  );

  app.get(
    '/me/preferences',
    {
      onRequest: fastify.requireAuth,
      schema: {
        tags: TAGS,
        summary: 'Reminder preferences (opt-out, lead time)',
        security: SECURED,
        response: { 200: preferencesEnvelope },
      },
    },
    async (request) => ({ success: true as const, data: await service.preferences(request.auth!.userId) }),
  );

  app.patch(
    '/me/preferences',
    {
      onRequest: fastify.requireAuth,
      schema: {
        tags: TAGS,
        summary: 'Change reminder preferences',
        security: SECURED,
        body: updatePreferencesBody,
        response: { 200: preferencesEnvelope },
      },
    },
    async (request) => ({
      success: true as const,
      data: await service.updatePreferences(request.auth!.userId, request.body),
    }),
  );

  app.delete(
    '/me',
    {
      onRequest: fastify.requireAuth,
      schema: {
        tags: TAGS,
        summary: 'Delete the account, its tasks and sessions (password required)',
        security: SECURED,
        body: deleteMeBody,
      },
    },
    async (request, reply) => {
      const userId = request.auth!.userId;
      await withFailureLimit(deps, reauthFailKey(userId), request, reply, { userId }, () =>
        service.remove(userId, request.body.password, clientInfo(request)),
      );
      clearAuthCookies(reply, deps.config);
      return reply.code(204).send();
    },
  );
}
