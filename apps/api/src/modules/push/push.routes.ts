/**
 * /api/v1/push: the VAPID public key, and the caller's Web Push subscriptions (one per device). Signed-in users
 * only (session bearer or cookie): a personal API token is refused here whatever its scopes (TOKEN_ROUTES lists
 * no /push route). While push is off (no VAPID keys) every route but DELETE answers 503 SERVICE_UNAVAILABLE.
 */
import {
  createPushSubscriptionBody,
  idParams,
  pushSubscriptionEnvelope,
  pushSubscriptionsEnvelope,
  vapidPublicKeyEnvelope,
} from '@primetrade/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientInfo, SECURED, uid } from '../../lib/http';
import type { PushService } from './push.service';

const TAGS = ['push'];
const OFF = ' 503 when this server has no VAPID keys (push is off).';

export const pushRoutes =
  (service: PushService): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    fastify.addHook('onRequest', fastify.requireAuth);

    app.get(
      '/vapid-public-key',
      {
        schema: {
          tags: TAGS,
          summary: "The server's VAPID public key: the applicationServerKey for pushManager.subscribe",
          description: `Base64url, an uncompressed P-256 point (65 bytes).${OFF}`,
          security: SECURED,
          response: { 200: vapidPublicKeyEnvelope },
        },
      },
      async () => ({ success: true as const, data: { publicKey: service.publicKey() } }),
    );

    app.get(
      '/subscriptions',
      {
        schema: {
          tags: TAGS,
          summary: 'Your devices that receive notifications (Web Push subscriptions)',
          description: OFF.trim(),
          security: SECURED,
          response: { 200: pushSubscriptionsEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await service.list(uid(request)) }),
    );

    app.post(
      '/subscriptions',
      {
        schema: {
          tags: TAGS,
          summary: "Store this browser's Web Push subscription (send PushSubscription.toJSON())",
          description:
            '201 when the endpoint is new; 200 with the same id when it is already stored (the browser ' +
            're-subscribed: keys and label are updated, never duplicated — also when it was stored for another ' +
            'account, which then no longer receives on that device). The endpoint must be https on a public ' +
            `host (400 otherwise). At most 20 devices per user (409 beyond).${OFF}`,
          security: SECURED,
          body: createPushSubscriptionBody,
          response: { 200: pushSubscriptionEnvelope, 201: pushSubscriptionEnvelope },
        },
      },
      async (request, reply) => {
        const { subscription, created } = await service.subscribe(
          uid(request),
          request.body,
          clientInfo(request).userAgent,
        );
        reply.code(created ? 201 : 200);
        if (created) {
          reply.header('location', `${request.routeOptions.url?.replace(/\/+$/, '')}/${subscription.id}`);
        }
        return { success: true as const, data: subscription };
      },
    );

    app.delete(
      '/subscriptions/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Stop notifications on a device (delete its subscription); 404 when it is not yours',
          security: SECURED,
          params: idParams,
        },
      },
      async (request, reply) => {
        await service.unsubscribe(uid(request), request.params.id);
        return reply.code(204).send();
      },
    );
  };
