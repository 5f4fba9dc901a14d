/**
 * Queued mail holds one-time links (password reset, e-mail verification): the job store must never hold one in
 * clear. In-process queue always; BullMQ on the real Redis with TEST_REDIS_URL (the job data read raw from Redis).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { MemoryMailer } from '../mail/mailer';
import { createRedis, waitReady } from '../redis/client';
import { BullQueue, startBullWorker } from './bullmq';
import { InProcessQueue } from './in-process';
import { mailJobKey, mailJobs, QueuedMailer } from './queued-mailer';
import type { JobQueue } from './queue';

const redisUrl = testConfig().testRedisUrl;

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function resetMail() {
  const token = randomBytes(24).toString('base64url');
  const link = `https://tasks.example/reset-password?token=${token}`;
  return { token, link, message: { to: 'ann@example.com', subject: 'Reset your password', text: `Open ${link}` } };
}

/** Every form the stored job data can take that would still leak the token. */
function leaks(stored: string, token: string): boolean {
  return [token, encodeURIComponent(token), Buffer.from(token).toString('base64')].some((t) => stored.includes(t));
}

describe('QueuedMailer on the in-process queue', () => {
  it('stores the job sealed (no token in its data) and still delivers the mail with the link', async () => {
    const key = mailJobKey(randomBytes(32).toString('hex'));
    const delivered = new MemoryMailer();
    const stored: unknown[] = [];
    const inner = new InProcessQueue(mailJobs(delivered, key));
    const queue: JobQueue = Object.assign(Object.create(inner) as InProcessQueue, {
      add: (name: string, data: unknown, o?: { jobId?: string }) => {
        stored.push(data);
        return inner.add(name, data, o);
      },
    });
    const { token, link, message } = resetMail();
    await new QueuedMailer(queue, new MemoryMailer(), key).send(message);
    expect(stored).toHaveLength(1);
    expect(leaks(JSON.stringify(stored), token)).toBe(false);
    expect(JSON.stringify(stored)).not.toContain('ann@example.com');
    await until(() => delivered.messages.length === 1);
    expect(delivered.messages[0]?.text).toContain(link);
    expect(delivered.messages[0]?.to).toBe('ann@example.com');
    await inner.close();
  });

  it('a job sealed with another key is not delivered (the envelope authenticates)', async () => {
    const sent = new MemoryMailer();
    const handler = mailJobs(sent, mailJobKey('b'.repeat(40)))['mail.send'];
    const stored: unknown[] = [];
    const capture = { add: async (_n: string, d: unknown) => void stored.push(d) } as unknown as JobQueue;
    await new QueuedMailer(capture, new MemoryMailer(), mailJobKey('a'.repeat(40))).send(resetMail().message);
    await expect(handler?.(stored[0], { attempt: 1, jobId: 'x' })).rejects.toThrow();
    expect(sent.messages).toHaveLength(0);
  });
});

describe.runIf(redisUrl)('QueuedMailer on BullMQ (TEST_REDIS_URL)', () => {
  const url = redisUrl ?? '';
  const prefix = `pt-test:${randomUUID()}:`;
  const producer = createRedis({ url, commandTimeoutMs: 5000 }, { enableOfflineQueue: true });
  const workerConn = createRedis(
    { url, commandTimeoutMs: 30_000 },
    { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined },
  );
  const raw = createRedis({ url });
  const queue = new BullQueue(producer, prefix);
  afterAll(async () => {
    await queue.close().catch(() => {});
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    for (const c of [producer, workerConn, raw]) c.disconnect();
  });

  it('the job data read raw from Redis holds neither the token nor the link; the worker delivers the link', async () => {
    await waitReady(raw);
    const key = mailJobKey(randomBytes(32).toString('hex'));
    const { token, link, message } = resetMail();
    await new QueuedMailer(queue, new MemoryMailer(), key).send(message);
    // everything BullMQ keeps under this prefix, hashes (the job's data) and lists alike
    const keys = await raw.keys(`${prefix}bull:*`);
    const jobKeys = keys.filter((k) => /:mail-[^:]+$/.test(k));
    expect(jobKeys).toHaveLength(1);
    const data = await raw.hget(jobKeys[0] ?? '', 'data');
    expect(data).toContain('"sealed"');
    let dump = '';
    for (const k of keys) {
      const type = await raw.type(k);
      if (type === 'hash') dump += JSON.stringify(await raw.hgetall(k));
      else if (type === 'string') dump += await raw.get(k);
      else if (type === 'list') dump += JSON.stringify(await raw.lrange(k, 0, -1));
    }
    expect(leaks(dump, token)).toBe(false);
    expect(dump).not.toContain('reset-password');

    const delivered = new MemoryMailer();
    await waitReady(workerConn);
    const worker = startBullWorker(workerConn, prefix, mailJobs(delivered, key), { concurrency: 1 });
    try {
      await until(() => delivered.messages.length === 1);
      expect(delivered.messages[0]?.text).toContain(link);
    } finally {
      await worker.close();
    }
  });
});
