/**
 * Web Push (issue 17 item 2): the caller's subscriptions (one per browser/device) and the sender the reminders
 * use. Sending never throws into its caller: a push service answering 404 or 410 means the subscription is gone
 * (it is deleted), anything else — a refused endpoint, a timeout, a 429 or 5xx — is logged and the reminder's
 * other channels carry on.
 */
import {
  type CreatePushSubscriptionBody,
  PUSH_SUBSCRIPTIONS_PER_USER_MAX,
  type PushPayload,
  type PushSubscriptionDto,
} from '@primetrade/shared';
import { lazyModule } from '../../lib/lazy-module';
import type { Db } from '../../infra/db/client';
import { conflict, notFound, unavailable, validation } from '../../lib/errors';
import type { PushSender } from '../reminders';
import * as repo from './push.repo';
import { OutboundRefused, type Resolver } from '../../infra/outbound';
import { checkEndpointUrl, postPush, resolveEndpoint } from './push.transport';

/** web-push (VAPID signing and payload encryption), loaded with the first push sent. */
const webPush = lazyModule<typeof import('web-push')>('web-push');

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export interface PushLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PushServiceDeps {
  db: Db;
  /** Undefined: push is off (the routes answer 503, sending does nothing). */
  vapid: VapidKeys | undefined;
  allowPrivate: boolean;
  timeoutMs: number;
  resolver: Resolver;
  log: PushLog;
  now?: () => Date;
}

/** How long a push service keeps an undelivered reminder (the device is off): 12 hours. */
export const PUSH_TTL_SECONDS = 12 * 3600;

export type SendOutcome = 'sent' | 'gone' | 'failed';

const toDto = (r: repo.PushSubscriptionRow): PushSubscriptionDto => ({
  id: r.id,
  endpoint: r.endpoint,
  label: r.userAgent,
  createdAt: r.createdAt.toISOString(),
  lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null,
});

const DISABLED = 'Web Push is not configured on this server (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT)';

export class PushService implements PushSender {
  private readonly now: () => Date;
  constructor(private readonly deps: PushServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get enabled(): boolean {
    return this.deps.vapid !== undefined;
  }

  publicKey(): string {
    if (!this.deps.vapid) throw unavailable(DISABLED);
    return this.deps.vapid.publicKey;
  }

  async list(userId: string): Promise<PushSubscriptionDto[]> {
    if (!this.deps.vapid) throw unavailable(DISABLED);
    return (await repo.listForUser(this.deps.db, userId)).map(toDto);
  }

  /** Store the browser's subscription; `created` false when the endpoint was known (its row is updated). */
  async subscribe(
    userId: string,
    body: CreatePushSubscriptionBody,
    userAgent: string | null,
  ): Promise<{ subscription: PushSubscriptionDto; created: boolean }> {
    if (!this.deps.vapid) throw unavailable(DISABLED);
    try {
      checkEndpointUrl(body.endpoint, this.deps.allowPrivate);
    } catch (err) {
      if (err instanceof OutboundRefused) throw validation([{ path: 'endpoint', message: err.message }]);
      throw err;
    }
    const p256dh = body.keys.p256dh.replace(/=+$/, '');
    if (Buffer.from(p256dh, 'base64url')[0] !== 0x04) {
      throw validation([{ path: 'keys.p256dh', message: 'expected an uncompressed P-256 point (0x04…)' }]);
    }
    const label = (body.label || userAgent || '').slice(0, 200) || null;
    const row = await this.deps.db.transaction(async (tx) => {
      if (!(await repo.lockUser(tx, userId))) throw notFound('User');
      const existing = await repo.findByEndpoint(tx, body.endpoint);
      if (existing?.userId !== userId && (await repo.countForUser(tx, userId)) >= PUSH_SUBSCRIPTIONS_PER_USER_MAX) {
        throw conflict(
          `At most ${PUSH_SUBSCRIPTIONS_PER_USER_MAX} devices may receive notifications: turn one off first`,
        );
      }
      return repo.upsert(tx, {
        userId,
        endpoint: body.endpoint,
        p256dh,
        auth: body.keys.auth.replace(/=+$/, ''),
        userAgent: label,
      });
    });
    return { subscription: toDto(row), created: row.inserted };
  }

  async unsubscribe(userId: string, id: string): Promise<void> {
    const row = await repo.deleteForUser(this.deps.db, userId, id);
    if (!row) throw notFound('Push subscription');
  }

  /** Send `payload` to every device of the user. Never throws; resolves when every device was tried. */
  async sendToUser(userId: string, payload: PushPayload): Promise<void> {
    await this.sendToUserDetailed(userId, payload).catch((err) => {
      this.deps.log.warn({ err, userId }, 'web push: send failed');
    });
  }

  /** sendToUser with each device's outcome (tests, metrics). Throws only when the subscriptions cannot be read. */
  async sendToUserDetailed(userId: string, payload: PushPayload): Promise<SendOutcome[]> {
    if (!this.deps.vapid) return [];
    const subs = await repo.listForUser(this.deps.db, userId);
    return Promise.all(subs.map((s) => this.sendOne(s, payload)));
  }

  private async sendOne(sub: repo.PushSubscriptionRow, payload: PushPayload): Promise<SendOutcome> {
    const vapid = this.deps.vapid;
    if (!vapid) return 'failed';
    let host = '(unparsed)';
    try {
      const target = await resolveEndpoint(sub.endpoint, {
        allowPrivate: this.deps.allowPrivate,
        resolver: this.deps.resolver,
      });
      host = target.url.host;
      const details = webPush().generateRequestDetails(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        JSON.stringify(payload),
        {
          vapidDetails: vapid,
          TTL: PUSH_TTL_SECONDS,
          urgency: 'high',
          contentEncoding: 'aes128gcm',
        },
      );
      const answer = await postPush({
        url: target.url,
        address: target.address,
        headers: details.headers as Record<string, string | number>,
        body: details.body,
        timeoutMs: this.deps.timeoutMs,
      });
      if (answer.status !== null && answer.status >= 200 && answer.status < 300) {
        await repo.markSuccess(this.deps.db, sub.id, this.now());
        return 'sent';
      }
      if (answer.status === 404 || answer.status === 410) {
        await repo.deleteGone(this.deps.db, sub.id, sub.endpoint, sub.p256dh);
        this.deps.log.info(
          { subscriptionId: sub.id, userId: sub.userId, host, status: answer.status },
          'web push: subscription gone, deleted',
        );
        return 'gone';
      }
      this.deps.log.warn(
        { subscriptionId: sub.id, host, status: answer.status, error: answer.error, ms: answer.ms },
        'web push: not delivered',
      );
      return 'failed';
    } catch (err) {
      // The endpoint's host (never its path: it is the subscription's capability) and why.
      this.deps.log.warn(
        { subscriptionId: sub.id, host, error: err instanceof Error ? err.message : String(err) },
        'web push: not delivered',
      );
      return 'failed';
    }
  }
}
