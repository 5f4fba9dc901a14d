/**
 * What Node's HTTP parser refuses before Fastify (issue 13, defect 9): a header block over the limit is a 431, a
 * malformed request a 400 — both problem+json with an X-Request-ID that the body repeats. Over a real socket:
 * app.inject skips the parser.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/context';

/** Send raw bytes, read everything until the server closes the connection. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (c) => chunks.push(c));
    // The server destroys the socket after answering; a reset while we still write is expected.
    socket.on('error', (e: Error & { code?: string }) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? null : reject(e),
    );
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parse(response: string) {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('client errors answered before Fastify', () => {
  let ctx: TestContext;
  let port: number;
  beforeAll(async () => {
    ctx = await createTestContext('pglite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ctx.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    ctx?.app.server.closeAllConnections();
    await ctx?.close();
  });

  const expectProblem = (response: string, status: number, code: string) => {
    const res = parse(response);
    expect(res.status, response.slice(0, 300)).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const rid = res.headers['x-request-id'];
    expect(rid).toMatch(/^[0-9a-f-]{36}$/);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ success: false, status, code, requestId: rid });
    expect(body.message).toBe(body.detail);
  };

  it('answers a request header over the limit with 431 problem+json and an X-Request-ID', async () => {
    const big = `GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    expectProblem(await raw(port, big), 431, 'PAYLOAD_TOO_LARGE');
    const many = `GET /health/live HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 800 }, (_, i) => `X-H${i}: ${'v'.repeat(20)}\r\n`).join('')}\r\n`;
    expectProblem(await raw(port, many), 431, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a malformed request with 400 problem+json, and still serves the next connection', async () => {
    expectProblem(await raw(port, 'NOT HTTP AT ALL\r\n\r\n'), 400, 'VALIDATION_FAILED');
    expectProblem(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'), 400, 'VALIDATION_FAILED');
    const ok = parse(await raw(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(ok.status).toBe(200);
  });
});
