/**
 * /api/v1/auth: thin handlers over AuthService. Tokens go in the JSON body for API clients, or only in cookies
 * for a browser that sends `X-Auth-Mode: cookie`.
 */
import {
  acceptedEnvelope,
  authEnvelope,
  changePasswordBody,
  CSRF_COOKIE,
  forgotPasswordBody,
  idParams,
  loginBody,
  REFRESH_COOKIE,
  refreshBody,
  registerBody,
  resetPasswordBody,
  sessionsEnvelope,
  userEnvelope,
  verifyEmailBody,
} from '@primetrade/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { verifyAgainstDummy } from '../../infra/passwords';
import { unauthenticated } from '../../lib/errors';
import { toUser } from '../users/user-dto';
import { findUserById } from './auth.repo';
import { AuthService, type ClientInfo, emailRef, type Issued } from './auth.service';
import { assertCsrf, clearAuthCookies, setAuthCookies, wantsCookies } from './auth-cookies';
import { commonPasswords } from './password-policy';
import { limitAuthIp, limitUserAction, loginFailKey, reauthFailKey, withFailureLimit } from './auth-limits';

const TAGS = ['auth'];
export const SECURED: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { cookieAuth: [] }];

export const clientInfo = (request: FastifyRequest): ClientInfo => {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : null, log: request.log };
};

export async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { deps } = fastify;
  const service = new AuthService(deps);
  const ipLimited = async (request: FastifyRequest, reply: FastifyReply) => limitAuthIp(deps, request, reply);
  // Warm the dummy hash and the password list so the first login of an unknown email is not faster or slower.
  fastify.addHook('onReady', async () => {
    commonPasswords();
    await verifyAgainstDummy('warm-up');
  });

  /** Send an issued pair: in the body (API clients) or as cookies only (browser, cookie mode). */
  const sendIssued = (reply: FastifyReply, issued: Issued, status: number, cookieMode: boolean, keepCsrf?: string) => {
    const user = toUser(issued.user);
    if (cookieMode) {
      setAuthCookies(reply, deps.config, issued, keepCsrf);
      return reply.code(status).send({ success: true as const, data: { user } });
    }
    return reply.code(status).send({
      success: true as const,
      data: {
        user,
        accessToken: issued.accessToken,
        accessTokenExpiresAt: issued.accessTokenExpiresAt.toISOString(),
        refreshToken: issued.refreshToken,
        refreshTokenExpiresAt: issued.refreshTokenExpiresAt.toISOString(),
      },
    });
  };

  app.post(
    '/register',
    {
      onRequest: ipLimited,
      schema: {
        tags: TAGS,
        summary: 'Create an account and sign in',
        body: registerBody,
        response: { 201: authEnvelope },
      },
    },
    async (request, reply) => {
      const issued = await service.register(request.body, clientInfo(request));
      return sendIssued(reply, issued, 201, wantsCookies(request));
    },
  );

  app.post(
    '/login',
    {
      onRequest: ipLimited,
      schema: { tags: TAGS, summary: 'Sign in', body: loginBody, response: { 200: authEnvelope } },
    },
    async (request, reply) => {
      const { email } = request.body;
      const issued = await withFailureLimit(
        deps,
        loginFailKey(email),
        request,
        reply,
        { emailRef: emailRef(email) },
        () => service.login(request.body, clientInfo(request)),
      );
      return sendIssued(reply, issued, 200, wantsCookies(request));
    },
  );

  app.post(
    '/refresh',
    {
      schema: {
        tags: TAGS,
        summary: 'Exchange a refresh token (body or cookie) for a new pair',
        body: refreshBody.nullish(),
        response: { 200: authEnvelope },
      },
    },
    async (request, reply) => {
      const fromBody = request.body?.refreshToken;
      const fromCookie = fromBody ? undefined : request.cookies?.[REFRESH_COOKIE];
      const token = fromBody ?? fromCookie;
      if (!token) throw unauthenticated('No refresh token');
      if (fromCookie) assertCsrf(request);
      const issued = await service.refresh(token, clientInfo(request));
      return sendIssued(
        reply,
        issued,
        200,
        Boolean(fromCookie) || wantsCookies(request),
        request.cookies?.[CSRF_COOKIE],
      );
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        tags: TAGS,
        summary: 'Sign out: revoke the session of the given refresh token (else the current one)',
        body: refreshBody.nullish(),
      },
    },
    async (request, reply) => {
      const fromBody = request.body?.refreshToken;
      const fromCookie = fromBody ? undefined : request.cookies?.[REFRESH_COOKIE];
      if (fromCookie || (!fromBody && request.auth?.via === 'cookie')) assertCsrf(request);
      await service.logout(fromBody ?? fromCookie, request.auth, clientInfo(request));
      clearAuthCookies(reply, deps.config);
      return reply.code(204).send();
    },
  );

  app.post(
    '/logout-all',
    { onRequest: fastify.requireAuth, schema: { tags: TAGS, summary: 'Revoke every session', security: SECURED } },
    async (request, reply) => {
      await service.logoutAll(request.auth!.userId, clientInfo(request));
      clearAuthCookies(reply, deps.config);
      return reply.code(204).send();
    },
  );

  app.get(
    '/me',
    {
      onRequest: fastify.requireAuth,
      schema: { tags: TAGS, summary: 'The signed-in user', security: SECURED, response: { 200: userEnvelope } },
    },
    async (request) => {
      const user = await findUserById(deps.database.db, request.auth!.userId);
      if (!user) throw unauthenticated();
      return { success: true as const, data: toUser(user) };
    },
  );

  app.get(
    '/sessions',
    {
      onRequest: fastify.requireAuth,
      schema: { tags: TAGS, summary: 'Live sessions', security: SECURED, response: { 200: sessionsEnvelope } },
    },
    async (request) => {
      const { userId, sessionId } = request.auth!;
      return { success: true as const, data: await service.sessions(userId, sessionId) };
    },
  );

  app.delete(
    '/sessions/:id',
    {
      onRequest: fastify.requireAuth,
      schema: { tags: TAGS, summary: 'Revoke one of your sessions', security: SECURED, params: idParams },
    },
    async (request, reply) => {
      await service.deleteSession(request.auth!.userId, request.params.id, clientInfo(request));
      return reply.code(204).send();
    },
  );

  app.post(
    '/password',
    {
      onRequest: fastify.requireAuth,
      schema: {
        tags: TAGS,
        summary: 'Change the password (keeps this session, revokes the others)',
        security: SECURED,
        body: changePasswordBody,
      },
    },
    async (request, reply) => {
      const auth = request.auth!;
      await withFailureLimit(deps, reauthFailKey(auth.userId), request, reply, { userId: auth.userId }, () =>
        service.changePassword(auth, request.body, clientInfo(request)),
      );
      return reply.code(204).send();
    },
  );

  app.post(
    '/forgot-password',
    {
      onRequest: ipLimited,
      schema: {
        tags: TAGS,
        summary: 'Mail a single-use reset link (always 202)',
        body: forgotPasswordBody,
        response: { 202: acceptedEnvelope },
      },
    },
    async (request, reply) => {
      await limitUserAction(
        deps,
        'forgot',
        emailRef(request.body.email),
        reply,
        deps.config.rateLimit.loginFailuresMax,
      );
      await service.forgotPassword(request.body.email, clientInfo(request));
      return reply.code(202).send({
        success: true as const,
        data: { message: 'If an account exists for this address, a reset link is on its way' },
      });
    },
  );

  app.post(
    '/reset-password',
    {
      schema: {
        tags: TAGS,
        summary: 'Set a new password with a reset token (revokes every session)',
        body: resetPasswordBody,
      },
    },
    async (request, reply) => {
      await service.resetPassword(request.body, clientInfo(request));
      clearAuthCookies(reply, deps.config);
      return reply.code(204).send();
    },
  );

  app.post(
    '/verify-email',
    { schema: { tags: TAGS, summary: 'Confirm an email address', body: verifyEmailBody } },
    async (request, reply) => {
      await service.verifyEmail(request.body.token, clientInfo(request));
      return reply.code(204).send();
    },
  );

  app.post(
    '/resend-verification',
    {
      onRequest: fastify.requireAuth,
      schema: {
        tags: TAGS,
        summary: 'Send the verification mail again',
        security: SECURED,
        response: { 202: acceptedEnvelope },
      },
    },
    async (request, reply) => {
      const userId = request.auth!.userId;
      await limitUserAction(deps, 'resend', userId, reply, deps.config.rateLimit.loginFailuresMax);
      await service.resendVerification(userId, clientInfo(request));
      return reply.code(202).send({
        success: true as const,
        data: { message: 'If the address is not yet confirmed, a new link is on its way' },
      });
    },
  );
}
