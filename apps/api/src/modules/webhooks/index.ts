/**
 * The webhooks module (issue 18 item 4): per-project webhooks (routes under /projects/:id/webhooks), the
 * deliveries written in the writer's transaction — the task outbox relay's, and the comment or project change's
 * (through the event sink the composition root hands the comments and projects modules) — and the dispatcher job (`webhooks.dispatch`) that signs and sends them with retries. See webhooks.transport.ts for
 * the SSRF guard.
 */
import type { FieldCipher } from '../../infra/crypto/field-cipher';
import { reencryptStale } from '../../infra/crypto/reencrypt';
import type { Db, DbOrTx } from '../../infra/db/client';
import type { EventSink } from '../../infra/events';
import type { JobHandlers, JobQueue, ScheduledJob } from '../../infra/queue/queue';
import type { ProjectPolicy } from '../projects';
import { secretContext, WebhookDispatcher } from './webhooks.dispatcher';
import { listSealedSecrets, setSealedSecret } from './webhooks.repo';
import { webhookRoutes } from './webhooks.routes';
import { type WebhookEventInput, WebhooksService } from './webhooks.service';
import { type Resolver, systemResolver } from '../../infra/outbound';

export const WEBHOOKS_DISPATCH_JOB = 'webhooks.dispatch';

export interface WebhooksModuleDeps {
  db: Db;
  cipher: FieldCipher;
  /** The project policy (routes only; the worker process has none). */
  policy?: ProjectPolicy;
  /** Kicks go through the queue: in-process it runs here, with BullMQ on the worker. */
  queue?: Pick<JobQueue, 'add'>;
  config: {
    allowPrivate: boolean;
    dispatchIntervalMs: number;
    retryBaseMs: number;
    retryMaxMs: number;
    retryWindowMs: number;
    connectTimeoutMs: number;
    timeoutMs: number;
  };
  resolver?: Resolver;
  clock?: () => Date;
  onError?: (err: unknown) => void;
}

export function createWebhooksModule(deps: WebhooksModuleDeps) {
  const now = deps.clock ?? (() => new Date());
  const guard = {
    allowPrivate: deps.config.allowPrivate,
    resolver: deps.resolver ?? systemResolver,
    lookupTimeoutMs: deps.config.connectTimeoutMs,
  };
  const dispatcher = new WebhookDispatcher({
    db: deps.db,
    cipher: deps.cipher,
    guard,
    retry: { baseMs: deps.config.retryBaseMs, maxMs: deps.config.retryMaxMs, windowMs: deps.config.retryWindowMs },
    timeouts: { connectTimeoutMs: deps.config.connectTimeoutMs, timeoutMs: deps.config.timeoutMs },
    now,
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
  let kickPending = false;
  const kick = () => {
    if (kickPending || !deps.queue) return;
    kickPending = true;
    queueMicrotask(() => {
      kickPending = false;
      void deps.queue?.add(WEBHOOKS_DISPATCH_JOB, {}).catch((err) => deps.onError?.(err));
    });
  };
  const policy = deps.policy;
  const service = policy
    ? new WebhooksService({ db: deps.db, policy, cipher: deps.cipher, guard, now, kick })
    : undefined;
  const jobs: JobHandlers = {
    [WEBHOOKS_DISPATCH_JOB]: async () => {
      await dispatcher.drain();
    },
  };
  const schedule: ScheduledJob[] = [
    { id: 'webhooks-dispatch', name: WEBHOOKS_DISPATCH_JOB, everyMs: deps.config.dispatchIntervalMs },
  ];
  /** Deliveries written in the writer's transaction, dispatched after its commit. */
  const sink: EventSink = {
    write: (tx: DbOrTx, events: WebhookEventInput[]) => service?.enqueue(tx, events) ?? Promise.resolve(0),
    committed: kick,
  };
  return {
    service,
    dispatcher,
    jobs,
    schedule,
    routes: service ? webhookRoutes(service) : undefined,
    /** The task outbox relay's sink (in the relay's transaction). */
    outboxSink: sink,
    /** The comments and projects services' sink (in the comment or project change's transaction). */
    eventSink: sink,
    async stop(): Promise<void> {
      await dispatcher.idle();
    },
  };
}

export type WebhooksModule = ReturnType<typeof createWebhooksModule>;

/** `npm run cli -- reencrypt`: move every signing secret sealed with an older key to the current one. */
export async function reencryptWebhookSecrets(db: Db, cipher: FieldCipher) {
  const rows = await listSealedSecrets(db);
  return reencryptStale(
    cipher,
    rows.map((r) => ({ id: r.id, context: secretContext(r.id), value: r.secretEnc })),
    (id, value) => setSealedSecret(db, id, value),
  );
}
export { isPrivateAddress, type Resolver } from '../../infra/outbound';
export { signatureHeader } from './webhooks.transport';
