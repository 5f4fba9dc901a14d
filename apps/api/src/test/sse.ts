/**
 * Server-Sent Events on a real socket for the events tests: a minimal SSE client, waits on conditions, and the
 * API calls those tests make (a task, a second login).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { App } from '../app';
import type { TestUser } from './factories';

interface Received {
  id: string;
  event: string;
  data: unknown;
}

/** A minimal SSE client on a real socket: collects events, resolves `ready` on the first bytes. */
export function openStream(baseUrl: string, user: TestUser, lastEventId?: string) {
  const events: Received[] = [];
  let comments = 0;
  let status = 0;
  let endedAt: number | undefined;
  let req: http.ClientRequest | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    req = http.get(
      `${baseUrl}/api/v1/events`,
      {
        headers: {
          ...user.headers,
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
      },
      (res) => {
        status = res.statusCode ?? 0;
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i = buf.indexOf('\n\n');
          while (i >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const e: Partial<Received> = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments++;
              else if (line.startsWith('id: ')) e.id = line.slice(4);
              else if (line.startsWith('event: ')) e.event = line.slice(7);
              else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
            }
            if (e.event) events.push(e as Received);
            i = buf.indexOf('\n\n');
          }
          resolve();
        });
        res.on('end', () => {
          endedAt = Date.now();
          resolve();
        });
      },
    );
    req.on('error', reject);
  });
  return {
    events,
    ready,
    status: () => status,
    comments: () => comments,
    /** When the server ended the stream (undefined while it is open). */
    endedAt: () => endedAt,
    close: () => req?.destroy(),
  };
}

export async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

export const createTask = (app: App, user: TestUser, title: string) =>
  app.inject({ method: 'POST', url: '/api/v1/tasks', headers: user.headers, payload: { title } });

/** A second login of the same user (another session), through the API. */
export async function secondLogin(app: App, user: TestUser): Promise<{ authorization: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: user.password },
  });
  expect(res.statusCode).toBe(200);
  return { authorization: `Bearer ${res.json().data.accessToken}` };
}

/** Milliseconds from `since` until the server ended the stream; fails when it is still open after `withinMs`. */
export async function endedWithin(
  stream: ReturnType<typeof openStream>,
  since: number,
  withinMs: number,
): Promise<number> {
  await until(() => stream.endedAt() !== undefined, withinMs + 2000).catch(() => {
    throw new Error(`stream still open ${withinMs + 2000} ms later`);
  });
  return (stream.endedAt() as number) - since;
}
