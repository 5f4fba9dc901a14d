import type { Redis } from 'ioredis';
import type { RevocationBus } from '../session-guard';

/**
 * Revoked session ids published to every instance, which drop their cached "session alive" answer at once.
 * If Redis is down the database still wins within the guard's 1 s cache lifetime.
 */
export class RedisRevocationBus implements RevocationBus {
  private readonly handlers: Array<(ids: string[]) => void> = [];
  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly channel: string,
  ) {
    void this.sub.subscribe(this.channel).catch(() => {});
    this.sub.on('message', (ch: string, msg: string) => {
      if (ch !== this.channel) return;
      try {
        const ids = JSON.parse(msg) as unknown;
        if (Array.isArray(ids)) for (const h of this.handlers) h(ids.filter((x): x is string => typeof x === 'string'));
      } catch {
        /* ignore malformed messages */
      }
    });
  }

  async publish(sessionIds: string[]): Promise<void> {
    await this.pub.publish(this.channel, JSON.stringify(sessionIds)).catch(() => 0);
  }

  onRevoked(handler: (sessionIds: string[]) => void): void {
    this.handlers.push(handler);
  }
}
