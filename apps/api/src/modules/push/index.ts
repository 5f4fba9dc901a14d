/**
 * The push module (issue 17 item 2): Web Push subscriptions per device (/push routes) and the sender the
 * reminders use (`sender`, a PushSender). Built with VAPID keys from the config; without them push is off: one
 * log line at start, the routes answer 503, the sender does nothing.
 */
import type { Db } from '../../infra/db/client';
import type { PushSender } from '../reminders';
import { pushRoutes } from './push.routes';
import { type PushLog, PushService, type VapidKeys } from './push.service';
import { type Resolver, systemResolver } from '../../infra/outbound';

export interface PushModuleDeps {
  db: Db;
  vapid: VapidKeys | undefined;
  allowPrivate: boolean;
  timeoutMs: number;
  log: PushLog;
  /** DNS of the endpoint hosts (tests give their own). */
  resolver?: Resolver;
}

export function createPushModule(deps: PushModuleDeps) {
  const service = new PushService({
    db: deps.db,
    vapid: deps.vapid,
    allowPrivate: deps.allowPrivate,
    timeoutMs: deps.timeoutMs,
    resolver: deps.resolver ?? systemResolver,
    log: deps.log,
  });
  // The reminders' PushSender (modules/reminders): never throws.
  const sender: PushSender = { sendToUser: (userId, payload) => service.sendToUser(userId, payload) };
  let told = false;
  return {
    service,
    sender,
    routes: pushRoutes(service),
    start(): void {
      if (!deps.vapid && !told) {
        told = true;
        deps.log.info(
          {},
          'web push off: VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT are not set (/push answers 503; see docs/operations.md "Web Push")',
        );
      }
    },
  };
}

export type PushModule = ReturnType<typeof createPushModule>;
export type { SendOutcome, VapidKeys } from './push.service';
export { PUSH_TTL_SECONDS } from './push.service';
