/**
 * /api/v1/tasks/:id/comments — thin handlers over the comments service (registered under the /tasks prefix).
 * Bodies are markdown returned as JSON text, never rendered to HTML here.
 */
import {
  commentEnvelope,
  commentListEnvelope,
  commentParams,
  createCommentBody,
  patchCommentBody,
} from '@primetrade/shared';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SECURED, uid } from '../../lib/http';
import type { CommentsService } from './comments.service';

const TAGS = ['comments'];
const taskParams = z.strictObject({ id: z.uuid() });

export function commentRoutes(comments: CommentsService): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', app.requireAuth);

    r.get(
      '/:id/comments',
      {
        schema: {
          tags: TAGS,
          summary: "A task's comments, oldest first (any member of its project; otherwise 404)",
          security: SECURED,
          params: taskParams,
          response: { 200: commentListEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await comments.list(uid(request), request.params.id) }),
    );

    r.post(
      '/:id/comments',
      {
        schema: {
          tags: TAGS,
          summary: 'Comment on a task (owner or editor; a viewer gets 403)',
          security: SECURED,
          params: taskParams,
          body: createCommentBody,
          response: { 201: commentEnvelope },
        },
      },
      async (request, reply) => {
        const comment = await comments.create(uid(request), request.params.id, request.body.body);
        const base = (request.routeOptions.url ?? '').replace(/\/:id\/comments$/, '');
        reply.header('location', `${base}/${request.params.id}/comments/${comment.id}`);
        return reply.code(201).send({ success: true as const, data: comment });
      },
    );

    r.patch(
      '/:id/comments/:commentId',
      {
        schema: {
          tags: TAGS,
          summary: 'Edit a comment (its author only)',
          security: SECURED,
          params: commentParams,
          body: patchCommentBody,
          response: { 200: commentEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await comments.update(uid(request), request.params.id, request.params.commentId, request.body.body),
      }),
    );

    r.delete(
      '/:id/comments/:commentId',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete a comment (its author, or an owner of the project)',
          security: SECURED,
          params: commentParams,
        },
      },
      async (request, reply) => {
        await comments.remove(uid(request), request.params.id, request.params.commentId);
        return reply.code(204).send();
      },
    );
  };
}
