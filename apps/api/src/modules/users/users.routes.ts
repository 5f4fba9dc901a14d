/** /api/v1/users: the signed-in user's own account. */
import {
  deleteMeBody,
  preferencesEnvelope,
  updateMeBody,
  updatePreferencesBody,
  userEnvelope,
} from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientInfo, SECURED } from '../../lib/http';
import { type AuthLimitDeps, clearAuthCookies, type CookieSettings, withReauthLimit } from '../auth';
import type { UsersService } from './users.service';

const TAGS = ['users'];

export interface UserRouteDeps {
  service: UsersService;
  /** A password re-check counts against the same failure limit as /auth/password. */
  limits: AuthLimitDeps;
  cookies: Pick<CookieSettings, 'secure'>;
}

export const userRoutes =
  ({ service, limits, cookies }: UserRouteDeps): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

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
          request.body.email !== undefined ? await withReauthLimit(limits, userId, request, reply, run) : await run();
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
        await withReauthLimit(limits, userId, request, reply, () =>
          service.remove(userId, request.body.password, clientInfo(request)),
        );
        clearAuthCookies(reply, cookies);
        return reply.code(204).send();
      },
    );
  };
