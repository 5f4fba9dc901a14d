/**
 * The webhook dispatcher: sends the due pending deliveries (a job, `webhooks.dispatch`, run by the worker with
 * BullMQ or by the in-process queue; kicked after new deliveries are written). At least once: a delivery stays
 * pending until an attempt gets a 2xx; a crash mid-attempt leaves it claimed until its lock passes, then it is
 * sent again. In order per task: the claim never takes a delivery while an older one of the same webhook and
 * task is pending. Retries back off exponentially (WEBHOOK_RETRY_BASE_MS doubled, capped at
 * WEBHOOK_RETRY_MAX_MS); when the next try would fall outside WEBHOOK_RETRY_WINDOW_MS (24 h) of the event, the
 * delivery is marked failed.
 */
import type { Db } from '../../infra/db/client';
import type { FieldCipher } from '../../infra/crypto/field-cipher';
import { type Claimed, claimDue, recordAttempt } from './webhooks.repo';
import { type GuardOptions, OutboundRefused } from '../../infra/outbound';
import { post, resolveTarget, type SendResult, signatureHeader, WEBHOOK_SIGNATURE_HEADER } from './webhooks.transport';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  windowMs: number;
}

export interface DispatcherDeps {
  db: Db;
  cipher: FieldCipher;
  guard: GuardOptions;
  retry: RetryPolicy;
  timeouts: { connectTimeoutMs: number; timeoutMs: number };
  now: () => Date;
  /** Deliveries attempted at once (each to a different task or webhook). */
  concurrency?: number;
  onError?: (err: unknown) => void;
}

export const secretContext = (webhookId: string) => `webhooks.secret:${webhookId}`;

/** The delay before attempt `attempts + 1`, after `attempts` failed ones. */
export const backoffMs = (retry: RetryPolicy, attempts: number) =>
  Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, attempts - 1));

const clean = (s: string | null) => (s === null ? null : s.replaceAll('\u0000', ''));

export class WebhookDispatcher {
  private running: Promise<number> | undefined;
  private again = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Send everything due now (and what becomes sendable as earlier deliveries of a task succeed). */
  drain(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      try {
        do {
          this.again = false;
          for (;;) {
            const n = await this.runOnce();
            total += n;
            if (n === 0) break;
          }
        } while (this.again);
      } finally {
        this.running = undefined;
      }
      return total;
    })();
    return this.running;
  }

  /** Resolves when no drain is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => 0);
  }

  /** Claim one batch and attempt each; how many were attempted. */
  async runOnce(batch = 50): Promise<number> {
    const now = this.deps.now();
    const lockMs = this.deps.timeouts.connectTimeoutMs + this.deps.timeouts.timeoutMs + 30_000;
    const claimed = await claimDue(this.deps.db, now, new Date(now.getTime() + lockMs), batch);
    const width = Math.max(1, this.deps.concurrency ?? 8);
    for (let i = 0; i < claimed.length; i += width) {
      await Promise.all(claimed.slice(i, i + width).map((c) => this.attempt(c)));
    }
    return claimed.length;
  }

  private async attempt(c: Claimed): Promise<void> {
    const at = this.deps.now();
    let result: SendResult;
    try {
      const target = await resolveTarget(c.url, this.deps.guard);
      const secret = this.deps.cipher.decrypt(c.secretEnc, secretContext(c.webhookId));
      result = await post(target, c.body, {
        ...this.deps.timeouts,
        headers: {
          [WEBHOOK_SIGNATURE_HEADER]: signatureHeader(secret, c.body, Math.floor(at.getTime() / 1000)),
          'Primetrade-Event': c.event,
          'Primetrade-Delivery': c.id,
        },
      });
    } catch (err) {
      const message = err instanceof OutboundRefused ? `refused: ${err.message}` : String(err);
      if (!(err instanceof OutboundRefused)) this.deps.onError?.(err);
      result = { status: null, ms: 0, error: message, body: null };
    }
    const attempts = c.attempts + 1;
    const ok = result.error === null && result.status !== null && result.status >= 200 && result.status < 300;
    const after = this.deps.now();
    const next = new Date(after.getTime() + backoffMs(this.deps.retry, attempts));
    const giveUp = !ok && next.getTime() > c.createdAt.getTime() + this.deps.retry.windowMs;
    await recordAttempt(this.deps.db, c.seq, {
      status: ok ? 'delivered' : giveUp ? 'failed' : 'pending',
      attempts,
      at,
      nextAttemptAt: ok || giveUp ? after : next,
      responseStatus: result.status,
      responseMs: result.ms,
      error: clean(result.error),
      responseBody: clean(result.body),
    });
  }
}
