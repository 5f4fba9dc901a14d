/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a header block over the limit, a malformed request
 * line, a request that never finished arriving) are answered here, in the contract's problem+json shape with an
 * X-Request-ID, instead of Fastify's default `{"error":…}` JSON without one. Fastify's `clientErrorHandler`.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode } from '@primetrade/shared';
import type { FastifyInstance } from 'fastify';
import { problemBody } from '../lib/errors';
import { apiSecurityHeaders } from './security-headers';

function answerFor(code: string | undefined): [status: number, errorCode: string, detail: string] {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return [431, ErrorCode.PAYLOAD_TOO_LARGE, 'The request headers are too large'];
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return [408, ErrorCode.VALIDATION_FAILED, 'The request did not arrive in time'];
  return [400, ErrorCode.VALIDATION_FAILED, 'The request is not valid HTTP'];
}

export function clientErrorHandler(secureCookies: boolean) {
  const fixed = {
    ...apiSecurityHeaders(secureCookies),
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'close',
  };
  return function onClientError(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
    // A reset connection, or one already gone: there is nobody to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, code, detail] = answerFor(err.code);
    const id = randomUUID();
    const body = JSON.stringify(problemBody({ id }, status, code, detail));
    this.log.debug({ err, requestId: id, status }, 'client error');
    if (socket.writable) {
      const headers = { ...fixed, 'x-request-id': id, 'content-length': String(Buffer.byteLength(body)) };
      const head = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
    }
    socket.destroy(err);
  };
}
