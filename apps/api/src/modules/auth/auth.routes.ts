/**
 * /api/v1/auth: thin handlers over AuthService (sign-in, sessions) and CredentialService (passwords, email).
 * Tokens go in the JSON body for API clients, or only in cookies for a browser that sends `X-Auth-Mode: cookie`.
 */
import {
  acceptedEnvelope,
  authEnvelope,
  changePasswordBody,
  forgotPasswordBody,
  idParams,
  loginBody,
  loginEnvelope,
  refreshBody,
  registerBody,
  resetPasswordBody,
  sessionsEnvelope,
  userEnvelope,
  verifyEmailBody,
} from '@primetrade/shared';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { verifyAgainstDummy } from '../../infra/passwords';
import { unauthenticated } from '../../lib/errors';
import { clientInfo, SECURED } from '../../lib/http';
import { type CredentialService, emailRef } from './auth.credentials';
import type { AuthService, Issued } from './auth.service';
import {
  assertCsrf,
  clearAuthCookies,
  type CookieSettings,
  readAuthCookies,
  setAuthCookies,
  wantsCookies,
} from './auth-cookies';
import { type AuthLimitDeps, limitAuthIp, limitUserAction, withLoginLimit, withReauthLimit } from './auth-limits';
import type { MfaService } from './mfa.service';
import { mfaRoutes } from './mfa.routes';
import type { PasskeyService } from './passkeys.service';
import { passkeyRoutes } from './passkeys.routes';
import { toUser } from './user-dto';

const TAGS = ['auth'];

export interface AuthRouteDeps {
  service: AuthService;
  credentials: CredentialService;
  limits: AuthLimitDeps;
  cookies: CookieSettings;
  mfa: MfaService;
  passkeys: PasskeyService;
}

export const authRoutes =
  ({ service, credentials, limits, cookies, mfa, passkeys }: AuthRouteDeps): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const ipLimited = async (request: FastifyRequest, reply: FastifyReply) => limitAuthIp(limits, request, reply);
    // Warm the dummy hash so the first login of an unknown email is not faster or slower.
    fastify.addHook('onReady', async () => {
      await verifyAgainstDummy('warm-up');
    });

    /** Send an issued pair: in the body (API clients) or as cookies only (browser, cookie mode). */
    const sendIssued = (
      reply: FastifyReply,
      issued: Issued,
      status: number,
      cookieMode: boolean,
      keepCsrf?: string,
    ) => {
      const user = toUser(issued.user);
      if (cookieMode) {
        setAuthCookies(reply, cookies, issued, keepCsrf);
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
        schema: {
          tags: TAGS,
          summary: 'Sign in (with two-factor on: a challenge for POST /auth/mfa/verify, no tokens)',
          body: loginBody,
          response: { 200: loginEnvelope },
        },
      },
      async (request, reply) => {
        const { email } = request.body;
        const issued = await withLoginLimit(limits, email, emailRef(email), request, reply, () =>
          service.login(request.body, clientInfo(request)),
        );
        if ('mfaRequired' in issued) return reply.code(200).send({ success: true as const, data: issued });
        return sendIssued(reply, issued, 200, wantsCookies(request));
      },
    );

    await fastify.register(mfaRoutes({ mfa, limits, sendIssued }), { prefix: '/mfa' });
    await fastify.register(passkeyRoutes({ passkeys, limits, sendIssued }), { prefix: '/passkeys' });

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
        const jar = readAuthCookies(request, cookies);
        const fromCookie = fromBody ? undefined : jar.refresh;
        const token = fromBody ?? fromCookie;
        if (!token) throw unauthenticated('No refresh token');
        if (fromCookie) assertCsrf(request, cookies);
        const issued = await service.refresh(token, clientInfo(request));
        return sendIssued(reply, issued, 200, Boolean(fromCookie) || wantsCookies(request), jar.csrf);
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
        const fromCookie = fromBody ? undefined : readAuthCookies(request, cookies).refresh;
        if (fromCookie || (!fromBody && request.auth?.via === 'cookie')) assertCsrf(request, cookies);
        await service.logout(fromBody ?? fromCookie, request.auth, clientInfo(request));
        clearAuthCookies(reply, cookies);
        return reply.code(204).send();
      },
    );

    app.post(
      '/logout-all',
      { onRequest: fastify.requireAuth, schema: { tags: TAGS, summary: 'Revoke every session', security: SECURED } },
      async (request, reply) => {
        await service.logoutAll(request.auth!.userId, clientInfo(request));
        clearAuthCookies(reply, cookies);
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
        return { success: true as const, data: toUser(await service.account(request.auth!.userId)) };
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
        await withReauthLimit(limits, auth.userId, request, reply, () =>
          credentials.changePassword(auth, request.body, clientInfo(request)),
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
        await limitUserAction(limits, 'forgot', emailRef(request.body.email), reply);
        // The answer does not wait for the work (lookup, token, mail): the same time for any address.
        credentials.forgotPassword(request.body.email, clientInfo(request));
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
        await credentials.resetPassword(request.body, clientInfo(request));
        clearAuthCookies(reply, cookies);
        return reply.code(204).send();
      },
    );

    app.post(
      '/verify-email',
      { schema: { tags: TAGS, summary: 'Confirm an email address', body: verifyEmailBody } },
      async (request, reply) => {
        await credentials.verifyEmail(request.body.token, clientInfo(request));
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
        await limitUserAction(limits, 'resend', userId, reply);
        await credentials.resendVerification(userId, clientInfo(request));
        return reply.code(202).send({
          success: true as const,
          data: { message: 'If the address is not yet confirmed, a new link is on its way' },
        });
      },
    );
  };
