/**
 * GET /api/v1/events — Server-Sent Events for the signed-in user (cookie or bearer): task.created, task.updated,
 * task.deleted and stats.changed, each with an id; a heartbeat comment every SSE_HEARTBEAT_MS (20 s);
 * Last-Event-ID resumes from the retained events.
 */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../infra/metrics';
import { SECURED } from '../../lib/http';
import type { EventHub, HubEvent, StreamSink } from './event-hub';

const MAX_BUFFERED_BYTES = 256 * 1024;

export const eventRoutes = (o: { hub: EventHub; heartbeatMs: number; metrics?: Pick<Metrics, 'sseConnections'> }) =>
  async function eventRoutes(app: FastifyInstance) {
    const { hub, heartbeatMs, metrics } = o;
    // End the open streams before the server closes: a held SSE response would keep it from draining.
    app.addHook('preClose', async () => hub.closeStreams());

    app.get(
      '/',
      {
        onRequest: app.requireAuth,
        schema: {
          tags: ['events'],
          summary: 'Stream of task events for the signed-in user (text/event-stream)',
          security: SECURED,
        },
      },
      async (request, reply) => {
        const auth = request.auth;
        if (!auth) return;
        const res = reply.raw;
        reply.hijack();
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        res.write(`retry: 3000\n: connected\n\n`);
        let closed = false;
        const sink: StreamSink = {
          userId: auth.userId,
          send: (e: HubEvent) => {
            if (closed) return;
            if (res.writableLength > MAX_BUFFERED_BYTES) {
              sink.close();
              return;
            }
            res.write(`id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
          },
          close: () => {
            if (closed) return;
            closed = true;
            res.end();
          },
        };
        const lastEventId = request.headers['last-event-id'];
        const detach = await hub.attach(sink, typeof lastEventId === 'string' ? lastEventId.slice(0, 64) : undefined);
        if (res.destroyed) {
          // the client went away while the replay was read: no 'close' event will follow
          detach();
          return;
        }
        metrics?.sseConnections.inc();
        const heartbeat = setInterval(() => {
          if (!closed) res.write(': ping\n\n');
        }, heartbeatMs);
        heartbeat.unref();
        res.on('close', () => {
          closed = true;
          clearInterval(heartbeat);
          detach();
          metrics?.sseConnections.dec();
        });
      },
    );
  };
