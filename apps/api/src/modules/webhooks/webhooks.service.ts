/**
 * Webhooks of a project (owners only, through the project policy: a non-member gets 404, an editor or viewer 403).
 * The target URL is checked when a webhook is created or its URL changed (and again before every attempt, see
 * webhooks.transport.ts). The signing secret is shown once and stored sealed with the field cipher.
 *
 * Deliveries are written by `enqueue`, always in the writer's transaction: the task outbox relay's (task events)
 * and the comment or project change's own (comment and project events, through the event sink).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type CreatedWebhook,
  type CreateWebhookBody,
  type PatchWebhookBody,
  WEBHOOK_SECRET_PREFIX,
  WEBHOOKS_PER_PROJECT_MAX,
  type Webhook,
  type WebhookDelivery,
} from '@primetrade/shared';
import type { FieldCipher } from '../../infra/crypto/field-cipher';
import type { Db, DbOrTx } from '../../infra/db/client';
import { conflict, notFound, validation } from '../../lib/errors';
import type { ClientInfo } from '../../lib/http';
import { recordAudit } from '../audit';
import type { ProjectPolicy } from '../projects';
import { secretContext } from './webhooks.dispatcher';
import * as repo from './webhooks.repo';
import { type GuardOptions, OutboundRefused } from '../../infra/outbound';
import { resolveTarget } from './webhooks.transport';

export interface WebhooksServiceDeps {
  db: Db;
  policy: ProjectPolicy;
  cipher: FieldCipher;
  guard: GuardOptions;
  now: () => Date;
  /** New deliveries were committed: dispatch soon. */
  kick: () => void;
}

/** One event to deliver to a project's subscribed webhooks; `orderKey`: what it must stay in order with. */
export interface WebhookEventInput {
  event: string;
  projectId: string;
  orderKey: string;
  data: unknown;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toWebhook(r: repo.WebhookRow): Webhook {
  return {
    id: r.id,
    projectId: r.projectId,
    url: r.url,
    events: r.events as Webhook['events'],
    active: r.active,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function toDelivery(r: repo.WebhookDeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    webhookId: r.webhookId,
    event: r.event,
    status: r.status as WebhookDelivery['status'],
    attempts: r.attempts,
    responseStatus: r.responseStatus,
    responseMs: r.responseMs,
    error: r.error,
    responseBody: r.responseBody,
    createdAt: r.createdAt.toISOString(),
    lastAttemptAt: iso(r.lastAttemptAt),
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
    deliveredAt: iso(r.deliveredAt),
  };
}

export class WebhooksService {
  constructor(private readonly deps: WebhooksServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  /** 400 on `url` when the target is not allowed (private address, http without WEBHOOK_ALLOW_PRIVATE, no DNS). */
  private async checkUrl(url: string): Promise<void> {
    try {
      await resolveTarget(url, this.deps.guard);
    } catch (err) {
      if (err instanceof OutboundRefused) throw validation([{ path: 'url', message: `Not allowed: ${err.message}` }]);
      throw err;
    }
  }

  private async hook(userId: string, projectId: string, hookId: string): Promise<repo.WebhookRow> {
    await this.deps.policy.require(userId, projectId, 'manage');
    const row = await repo.findHook(this.db, projectId, hookId);
    if (!row) throw notFound('Webhook');
    return row;
  }

  async list(userId: string, projectId: string): Promise<Webhook[]> {
    await this.deps.policy.require(userId, projectId, 'manage');
    return (await repo.listHooks(this.db, projectId)).map(toWebhook);
  }

  /** Webhook changes are security events (a webhook sends the project's data out): audited in their transaction. */
  private audit(tx: DbOrTx, type: string, userId: string, client: ClientInfo | undefined, row: repo.WebhookRow) {
    return recordAudit(tx, {
      type,
      userId,
      client,
      details: { projectId: row.projectId, webhookId: row.id, url: row.url, events: row.events, active: row.active },
    });
  }

  async create(
    userId: string,
    projectId: string,
    body: CreateWebhookBody,
    client?: ClientInfo,
  ): Promise<CreatedWebhook> {
    await this.deps.policy.require(userId, projectId, 'manage');
    await this.checkUrl(body.url);
    const secret = `${WEBHOOK_SECRET_PREFIX}${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    const row = await this.db.transaction(async (tx) => {
      await this.deps.policy.require(userId, projectId, 'manage', tx);
      if ((await repo.countHooks(tx, projectId)) >= WEBHOOKS_PER_PROJECT_MAX)
        throw conflict(`A project may have at most ${WEBHOOKS_PER_PROJECT_MAX} webhooks`);
      const inserted = await repo.insertHook(tx, {
        id,
        projectId,
        url: body.url,
        events: body.events,
        secretEnc: this.deps.cipher.encrypt(secret, secretContext(id)),
        active: body.active ?? true,
        createdBy: userId,
      });
      await this.audit(tx, 'project.webhook.created', userId, client, inserted);
      return inserted;
    });
    return { ...toWebhook(row), secret };
  }

  async update(
    userId: string,
    projectId: string,
    hookId: string,
    body: PatchWebhookBody,
    client?: ClientInfo,
  ): Promise<Webhook> {
    await this.hook(userId, projectId, hookId);
    if (body.url !== undefined) await this.checkUrl(body.url);
    const row = await this.db.transaction(async (tx) => {
      const updated = await repo.updateHook(tx, projectId, hookId, {
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.events !== undefined ? { events: body.events } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
      });
      if (updated) await this.audit(tx, 'project.webhook.updated', userId, client, updated);
      return updated;
    });
    if (!row) throw notFound('Webhook');
    if (body.active) this.deps.kick();
    return toWebhook(row);
  }

  async remove(userId: string, projectId: string, hookId: string, client?: ClientInfo): Promise<void> {
    const row = await this.hook(userId, projectId, hookId);
    const deleted = await this.db.transaction(async (tx) => {
      if (!(await repo.deleteHook(tx, projectId, hookId))) return false;
      await this.audit(tx, 'project.webhook.deleted', userId, client, row);
      return true;
    });
    if (!deleted) throw notFound('Webhook');
  }

  async deliveries(userId: string, projectId: string, hookId: string, limit = 50): Promise<WebhookDelivery[]> {
    await this.hook(userId, projectId, hookId);
    return (await repo.listDeliveries(this.db, hookId, limit)).map(toDelivery);
  }

  /**
   * Redelivery by hand: a NEW delivery of the same body (the same event id, so a receiver can tell a repeat),
   * pending now, behind any pending delivery of the same task. The original keeps its log.
   */
  async redeliver(userId: string, projectId: string, hookId: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.hook(userId, projectId, hookId);
    const original = await repo.findDelivery(this.db, hookId, deliveryId);
    if (!original) throw notFound('Delivery');
    const now = this.deps.now();
    const [row] = await repo.insertDeliveries(this.db, [
      {
        webhookId: hookId,
        event: original.event,
        orderKey: original.orderKey,
        body: original.body,
        nextAttemptAt: now,
        createdAt: now,
      },
    ]);
    this.deps.kick();
    return toDelivery(row!);
  }

  /** Write the deliveries of these events for every active subscribed webhook of their projects. */
  async enqueue(db: DbOrTx, events: WebhookEventInput[]): Promise<number> {
    if (events.length === 0) return 0;
    const hooks = await repo.subscribers(db, [...new Set(events.map((e) => e.projectId))]);
    if (hooks.length === 0) return 0;
    const now = this.deps.now();
    const rows: repo.NewDelivery[] = [];
    for (const e of events) {
      let body: string | undefined;
      for (const h of hooks) {
        if (h.projectId !== e.projectId || !h.events.includes(e.event)) continue;
        body ??= JSON.stringify({
          id: randomUUID(),
          event: e.event,
          projectId: e.projectId,
          createdAt: now.toISOString(),
          data: e.data,
        });
        rows.push({ webhookId: h.id, event: e.event, orderKey: e.orderKey, body, nextAttemptAt: now, createdAt: now });
      }
    }
    await repo.insertDeliveries(db, rows);
    return rows.length;
  }
}
