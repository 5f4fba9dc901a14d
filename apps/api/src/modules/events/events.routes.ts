/**
 * GET /api/v1/events — Server-Sent Events for the signed-in user (cookie or bearer): task.created, task.updated,
 * task.deleted and stats.changed, each with an id; a heartbeat comment every SSE_HEARTBEAT_MS (20 s);
 * Last-Event-ID resumes from the retained events.
 *
 * A stream lives no longer than its session: it is closed when the session is revoked (here or, through the
 * revocation bus, on another instance), at its access token's expiry, and when a heartbeat's re-check finds the
 * session gone. A user holds at most SSE_MAX_STREAMS_PER_USER streams on one instance; the next is 429.
 */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../infra/metrics';
import type { SessionGuard } from '../../infra/session-guard';
import { rateLimited } from '../../lib/errors';
import { SECURED } from '../../lib/http';
import { type EventHub, type HubEvent, type StreamSink, sseFrame } from './event-hub';
import type { OpenStreams } from './open-streams';

const MAX_BUFFERED_BYTES = 256 * 1024;
/** Retry-After of the 429 for one stream too many: a closed tab frees its slot at once. */
const TOO_MANY_STREAMS_RETRY_SEC = 10;
/** setTimeout's longest delay (~24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const eventRoutes = (o: {
  hub: EventHub;
  streams: OpenStreams;
  sessions: Pick<SessionGuard, 'check'>;
  heartbeatMs: number;
  maxStreamsPerUser: number;
  metrics?: Pick<Metrics, 'sseConnections'>;
}) =>
  async function eventRoutes(app: FastifyInstance) {
    const { hub, streams, sessions, heartbeatMs, metrics } = o;
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
        let closed = false;
        const close = () => {
          if (closed) return;
          closed = true;
          res.end();
        };
        const release = streams.open({ userId: auth.userId, sessionId: auth.sessionId, close });
        if (!release) {
          throw rateLimited(
            TOO_MANY_STREAMS_RETRY_SEC,
            `At most ${o.maxStreamsPerUser} event streams may be open per user; close one first`,
          );
        }
        reply.hijack();
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        res.write(`retry: 3000\n: connected\n\n`);
        let detach: () => void = () => {};
        let counted = false;
        // The token's expiry ends the stream (a refreshed client reconnects with a new token and Last-Event-ID).
        // A timer can fire a little early by the wall clock (it counts from the event loop's cached time): one that
        // does is set again for the rest, so the stream never ends before `exp`.
        let expiry: NodeJS.Timeout | undefined;
        const armExpiry = () => {
          const left = Math.min(Math.max(0, auth.expiresAtMs - Date.now()), MAX_TIMER_MS);
          expiry = setTimeout(() => (Date.now() >= auth.expiresAtMs ? close() : armExpiry()), left);
          expiry.unref();
        };
        armExpiry();
        const heartbeat = setInterval(() => {
          if (closed) return;
          if (Date.now() >= auth.expiresAtMs) {
            close();
            return;
          }
          res.write(': ping\n\n');
          // The session re-checked (DB truth, ≤ 1 s cache): a revocation whose message was lost still ends it.
          sessions.check(auth.sessionId, auth.userId).then(
            (state) => {
              if (!state.active) close();
            },
            () => {}, // the database is unreachable: nothing can have been revoked there; ask again next beat
          );
        }, heartbeatMs);
        heartbeat.unref();
        res.on('close', () => {
          closed = true;
          clearTimeout(expiry);
          clearInterval(heartbeat);
          release();
          detach();
          if (counted) metrics?.sseConnections.dec();
          counted = false;
        });
        const sink: StreamSink = {
          userId: auth.userId,
          send: (e: HubEvent) => {
            if (closed) return;
            if (res.writableLength > MAX_BUFFERED_BYTES) {
              close();
              return;
            }
            res.write(sseFrame(e));
          },
          close,
        };
        const lastEventId = request.headers['last-event-id'];
        detach = await hub.attach(sink, typeof lastEventId === 'string' ? lastEventId.slice(0, 64) : undefined);
        if (closed || res.destroyed) {
          // closed (revoked, expired, client gone) while the replay was read: its 'close' may already have run
          detach();
          return;
        }
        metrics?.sseConnections.inc();
        counted = true;
      },
    );
  };
