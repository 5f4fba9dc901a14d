/**
 * /api/v1/tokens: the caller's personal API tokens. Signed-in users only (session bearer or cookie): an API token
 * is refused here whatever its scopes (tokens.scopes.ts lists no /tokens route).
 */
import { apiTokensEnvelope, createdApiTokenEnvelope, createTokenBody, idParams } from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientInfo, SECURED, uid } from '../../lib/http';
import type { TokensService } from './tokens.service';

const TAGS = ['tokens'];

export const tokenRoutes =
  (service: TokensService): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    fastify.addHook('onRequest', fastify.requireAuth);

    app.get(
      '/',
      {
        schema: {
          tags: TAGS,
          summary: 'Your personal API tokens (never their secrets)',
          security: SECURED,
          response: { 200: apiTokensEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await service.list(uid(request)) }),
    );

    app.post(
      '/',
      {
        schema: {
          tags: TAGS,
          summary: 'Create a personal API token: the secret (`token`) is in this answer only',
          description:
            'Send the secret as `Authorization: Bearer ptt_…`. It may call only the routes its scopes cover ' +
            '(GET needs `:read`, writes `:write`, /tasks* tasks:*, /projects* projects:*); every other route ' +
            'answers 403. At most 50 tokens per user (409 beyond); `expiresAt` at most 366 days ahead.',
          security: SECURED,
          body: createTokenBody,
          response: { 201: createdApiTokenEnvelope },
        },
      },
      async (request, reply) => {
        const created = await service.create(uid(request), request.body, clientInfo(request));
        reply.code(201).header('location', `${request.routeOptions.url?.replace(/\/+$/, '')}/${created.id}`);
        return { success: true as const, data: created };
      },
    );

    app.delete(
      '/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Revoke a personal API token (refused everywhere within 1 s)',
          security: SECURED,
          params: idParams,
        },
      },
      async (request, reply) => {
        await service.revoke(uid(request), request.params.id, clientInfo(request));
        return reply.code(204).send();
      },
    );
  };
