/**
 * The events module: GET /api/v1/events (SSE) over an EventHub that fans the domain events out to each user's
 * open streams, on every instance when Redis is shared. start/stop subscribe and unsubscribe the hub.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../../infra/events';
import type { Metrics } from '../../infra/metrics';
import type { SessionGuard } from '../../infra/session-guard';
import type { HubOptions } from './event-hub';
import { EventHub } from './event-hub';
import { eventRoutes } from './events.routes';
import { OpenStreams } from './open-streams';

export interface EventsDeps {
  events: EventBus;
  redis?: HubOptions['redis'];
  /** SSE_HEARTBEAT_MS: a comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** SSE_MAX_STREAMS_PER_USER: streams one user may hold open on this instance; the next is 429. */
  maxStreamsPerUser: number;
  /** The session guard: each heartbeat re-checks the stream's session, and every revocation closes its streams. */
  sessions: Pick<SessionGuard, 'check' | 'onRevoked'>;
  metrics?: Pick<Metrics, 'sseConnections'>;
  log: Pick<Logger, 'warn'>;
}

export function createEventsModule(deps: EventsDeps) {
  const hub = new EventHub(deps.events, {
    redis: deps.redis,
    onDeliveryError: (err) => deps.log.warn({ err }, 'event fan-out degraded'),
  });
  const streams = new OpenStreams(deps.maxStreamsPerUser);
  let unsubscribe: (() => void) | undefined;
  return {
    hub,
    routes: eventRoutes({
      hub,
      streams,
      sessions: deps.sessions,
      heartbeatMs: deps.heartbeatMs,
      maxStreamsPerUser: deps.maxStreamsPerUser,
      metrics: deps.metrics,
    }),
    start: () => {
      // A revocation made here or heard from another instance (RevocationBus) closes the session's streams.
      unsubscribe = deps.sessions.onRevoked((ids) => streams.closeSessions(ids));
      hub.start();
    },
    stop: () => {
      unsubscribe?.();
      hub.stop();
    },
  };
}
