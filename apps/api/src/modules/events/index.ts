/**
 * The events module: GET /api/v1/events (SSE) over an EventHub that fans the domain events out to each user's
 * open streams, on every instance when Redis is shared. start/stop subscribe and unsubscribe the hub.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../../infra/events';
import type { Metrics } from '../../infra/metrics';
import type { HubOptions } from './event-hub';
import { EventHub } from './event-hub';
import { eventRoutes } from './events.routes';

export interface EventsDeps {
  events: EventBus;
  redis?: HubOptions['redis'];
  /** SSE_HEARTBEAT_MS: a comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  metrics?: Pick<Metrics, 'sseConnections'>;
  log: Pick<Logger, 'warn'>;
}

export function createEventsModule(deps: EventsDeps) {
  const hub = new EventHub(deps.events, {
    redis: deps.redis,
    onDeliveryError: (err) => deps.log.warn({ err }, 'event fan-out degraded'),
  });
  return {
    hub,
    routes: eventRoutes({ hub, heartbeatMs: deps.heartbeatMs, metrics: deps.metrics }),
    start: () => hub.start(),
    stop: () => hub.stop(),
  };
}
