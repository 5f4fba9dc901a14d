/**
 * /api/v1/auth/mfa: TOTP enrolment, confirmation, status and removal (signed in), and the second step of a sign-in
 * (POST /verify, public: the login's challenge is the credential). Every route answers 200 on success (api.md).
 */
import {
  mfaStatusEnvelope,
  mfaVerifyBody,
  recoveryCodesEnvelope,
  totpConfirmBody,
  totpDisableBody,
  totpEnrolmentEnvelope,
  authEnvelope,
} from '@primetrade/shared';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientInfo, SECURED } from '../../lib/http';
import type { Issued } from './auth.service';
import { type AuthLimitDeps, limitAuthIp, withMfaLimit } from './auth-limits';
import { wantsCookies } from './auth-cookies';
import type { MfaService } from './mfa.service';

const TAGS = ['auth'];

export interface MfaRouteDeps {
  mfa: MfaService;
  limits: AuthLimitDeps;
  /** The login's answer (tokens in the body, or cookies in cookie mode). */
  sendIssued: (reply: FastifyReply, issued: Issued, status: number, cookieMode: boolean) => unknown;
}

export const mfaRoutes =
  ({ mfa, limits, sendIssued }: MfaRouteDeps): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const ipLimited = async (request: FastifyRequest, reply: FastifyReply) => limitAuthIp(limits, request, reply);

    app.get(
      '/',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Two-factor status: TOTP off, pending or on, and recovery codes left',
          security: SECURED,
          response: { 200: mfaStatusEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await mfa.status(request.auth!.userId) }),
    );

    app.post(
      '/totp',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Start TOTP set-up: a new secret and its otpauth:// URL (pending until confirmed)',
          security: SECURED,
          response: { 200: totpEnrolmentEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await mfa.enrol(request.auth!.userId, clientInfo(request)) }),
    );

    app.post(
      '/totp/confirm',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Confirm TOTP with a code: turns it on, answers 10 single-use recovery codes (shown once)',
          security: SECURED,
          body: totpConfirmBody,
          response: { 200: recoveryCodesEnvelope },
        },
      },
      async (request, reply) => {
        const auth = request.auth!;
        const data = await withMfaLimit(limits, auth.userId, request, reply, () =>
          mfa.confirm(auth, request.body.code, clientInfo(request)),
        );
        return { success: true as const, data };
      },
    );

    app.delete(
      '/totp',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Turn TOTP off (the password and a current code; revokes your other sessions)',
          security: SECURED,
          body: totpDisableBody,
          response: { 200: mfaStatusEnvelope },
        },
      },
      async (request, reply) => {
        const auth = request.auth!;
        await withMfaLimit(limits, auth.userId, request, reply, () =>
          mfa.disable(auth, request.body, clientInfo(request)),
        );
        return { success: true as const, data: await mfa.status(auth.userId) };
      },
    );

    app.post(
      '/verify',
      {
        onRequest: ipLimited,
        schema: {
          tags: TAGS,
          summary: 'Second sign-in step: the login challenge and a TOTP code or a recovery code',
          body: mfaVerifyBody,
          response: { 200: authEnvelope },
        },
      },
      async (request, reply) => {
        const userId = await mfa.challengeUser(request.body.challenge);
        const issued = await withMfaLimit(limits, userId, request, reply, () =>
          mfa.verify(request.body, clientInfo(request)),
        );
        await sendIssued(reply, issued, 200, wantsCookies(request));
      },
    );
  };
