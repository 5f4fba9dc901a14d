/**
 * /api/v1/projects/:id/webhooks: a project's webhooks and their delivery log (owners; a non-member gets 404, an
 * editor or viewer 403 — the project policy decides).
 */
import {
  createdWebhookEnvelope,
  createWebhookBody,
  patchWebhookBody,
  projectParams,
  webhookDeliveriesEnvelope,
  webhookDeliveriesQuery,
  webhookDeliveryEnvelope,
  webhookDeliveryParams,
  webhookEnvelope,
  webhookParams,
  webhooksEnvelope,
} from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientInfo, SECURED, uid } from '../../lib/http';
import type { WebhooksService } from './webhooks.service';

const TAGS = ['webhooks'];

export const webhookRoutes =
  (service: WebhooksService): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    fastify.addHook('onRequest', fastify.requireAuth);

    app.get(
      '/projects/:id/webhooks',
      {
        schema: {
          tags: TAGS,
          summary: "A project's webhooks (owner; never their secrets)",
          security: SECURED,
          params: projectParams,
          response: { 200: webhooksEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await service.list(uid(request), request.params.id) }),
    );

    app.post(
      '/projects/:id/webhooks',
      {
        schema: {
          tags: TAGS,
          summary: 'Add a webhook (owner): the signing secret (`secret`) is in this answer only',
          description:
            'Each chosen event is POSTed as JSON `{ id, event, projectId, createdAt, data }` with ' +
            '`Primetrade-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, `Primetrade-Event` and ' +
            '`Primetrade-Delivery`. At least once, in order per task, retried with exponential backoff for 24 h. ' +
            'The URL must be https and must not resolve to a private, loopback or link-local address (400) unless ' +
            'the server runs with WEBHOOK_ALLOW_PRIVATE=true. At most 20 webhooks per project (409 beyond).',
          security: SECURED,
          params: projectParams,
          body: createWebhookBody,
          response: { 201: createdWebhookEnvelope },
        },
      },
      async (request, reply) => {
        const created = await service.create(uid(request), request.params.id, request.body, clientInfo(request));
        reply.code(201).header('location', `/api/v1/projects/${request.params.id}/webhooks/${created.id}`);
        return { success: true as const, data: created };
      },
    );

    app.patch(
      '/projects/:id/webhooks/:hookId',
      {
        schema: {
          tags: TAGS,
          summary: "Change a webhook's URL, events or active flag (owner)",
          security: SECURED,
          params: webhookParams,
          body: patchWebhookBody,
          response: { 200: webhookEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await service.update(
          uid(request),
          request.params.id,
          request.params.hookId,
          request.body,
          clientInfo(request),
        ),
      }),
    );

    app.delete(
      '/projects/:id/webhooks/:hookId',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete a webhook and its delivery log (owner)',
          security: SECURED,
          params: webhookParams,
        },
      },
      async (request, reply) => {
        await service.remove(uid(request), request.params.id, request.params.hookId, clientInfo(request));
        return reply.code(204).send();
      },
    );

    app.get(
      '/projects/:id/webhooks/:hookId/deliveries',
      {
        schema: {
          tags: TAGS,
          summary: "A webhook's delivery log, newest first (owner)",
          description:
            'Per delivery: status (pending, delivered, failed), attempts, the last attempt’s status code, ' +
            'response time, error and the first ≤ 1 KB of the answer.',
          security: SECURED,
          params: webhookParams,
          querystring: webhookDeliveriesQuery,
          response: { 200: webhookDeliveriesEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await service.deliveries(uid(request), request.params.id, request.params.hookId, request.query.limit),
      }),
    );

    app.post(
      '/projects/:id/webhooks/:hookId/deliveries/:deliveryId/redeliver',
      {
        schema: {
          tags: TAGS,
          summary: 'Deliver an event again, by hand (owner): a new delivery of the same body, answered 202',
          security: SECURED,
          params: webhookDeliveryParams,
          response: { 202: webhookDeliveryEnvelope },
        },
      },
      async (request, reply) => {
        const d = await service.redeliver(
          uid(request),
          request.params.id,
          request.params.hookId,
          request.params.deliveryId,
        );
        reply.code(202);
        return { success: true as const, data: d };
      },
    );
  };
