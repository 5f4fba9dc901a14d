/**
 * The one error handler: every failure becomes the contract's problem+json (RFC 9457) with the request id.
 * 5xx bodies say nothing about internals; the log gets the details.
 */
import { ErrorCode } from '@primetrade/shared';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDependencyDown } from '../infra/db/errors';
import { AppError, type FieldError, problemBody } from '../lib/errors';

export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(problemBody(reply.request, status, code, detail, errors));
}

/**
 * Map a zod-validation failure into the contract's errors[]: the field's path joined with dots (`title`,
 * `tags.3`, `limit`, `id`); a failure of a whole part (e.g. a missing body) names the part.
 */
function zodErrors(err: FastifyError): FieldError[] {
  const ctx = (err as { validationContext?: string }).validationContext;
  // fastify-type-provider-zod: keyword = the zod issue code, instancePath = /a/b, params = the other fields.
  const list = (err.validation ?? []) as Array<{
    keyword?: string;
    instancePath?: string;
    message?: string;
    params?: { keys?: unknown };
  }>;
  return list.flatMap((v) => {
    const base = (v.instancePath ?? '').split('/').filter(Boolean);
    const keys = v.params?.keys;
    // An unknown field is reported at the field itself (`role`), not at the object that holds it.
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys) && keys.length > 0) {
      return keys.map((k) => ({ path: [...base, String(k)].join('.'), message: 'Unknown field' }));
    }
    return [{ path: base.join('.') || ctx || '', message: v.message ?? 'Invalid value' }];
  });
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      // A 503 is a refusal the server means (a dependency down, a feature not configured, load shed): a warning;
      // any other 5xx is an error.
      if (error.status === 503) request.log.warn({ err: error }, 'request refused: unavailable');
      else if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendProblem(reply, error.status, error.code, error.message, error.errors);
    }
    if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
      return sendProblem(reply, 400, ErrorCode.VALIDATION_FAILED, 'The request is not valid', zodErrors(error));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, 413, ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
          return sendProblem(reply, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the body as application/json');
        return sendProblem(reply, 400, ErrorCode.VALIDATION_FAILED, 'Invalid Content-Length');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(reply, 400, ErrorCode.VALIDATION_FAILED, 'The JSON body is empty');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendProblem(reply, 400, ErrorCode.VALIDATION_FAILED, 'The body is not valid JSON');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own 4xx (bad JSON, bad content-length, ...): say what it is, in the contract's shape.
      const code =
        status === 415
          ? ErrorCode.UNSUPPORTED_MEDIA_TYPE
          : status === 413
            ? ErrorCode.PAYLOAD_TOO_LARGE
            : status === 404
              ? ErrorCode.NOT_FOUND
              : status === 429
                ? ErrorCode.RATE_LIMITED
                : ErrorCode.VALIDATION_FAILED;
      const detail = status === 400 && error instanceof SyntaxError ? 'The body is not valid JSON' : error.message;
      return sendProblem(reply, status, code, detail);
    }
    if (isDependencyDown(error)) {
      request.log.warn({ err: error }, 'dependency unavailable');
      reply.header('retry-after', '5');
      return sendProblem(
        reply,
        503,
        ErrorCode.SERVICE_UNAVAILABLE,
        'A service this request needs is unavailable, try again shortly',
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, 500, ErrorCode.INTERNAL_ERROR, 'An unexpected error occurred');
  });
}

export default fp(errorsPlugin, { name: 'errors' });
