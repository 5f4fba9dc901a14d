/**
 * /api/v1/auth/passkeys: registration options and registration, list, rename and delete (signed in), and the
 * passkey sign-in (POST /login/options and /login, public: passwordless, or the second factor of a password sign-in
 * with the login's MFA challenge). Every route answers 200 on success (api.md).
 */
import {
  authEnvelope,
  idParams,
  passkeyEnvelope,
  passkeyListEnvelope,
  passkeyLoginBody,
  passkeyLoginOptionsBody,
  passkeyOptionsEnvelope,
  passkeyRegisterBody,
  passkeyRenameBody,
} from '@primetrade/shared';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientInfo, SECURED } from '../../lib/http';
import type { Issued } from './auth.service';
import { type AuthLimitDeps, limitAuthIp, withMfaLimit } from './auth-limits';
import { wantsCookies } from './auth-cookies';
import type { PasskeyService } from './passkeys.service';

const TAGS = ['auth'];

export interface PasskeyRouteDeps {
  passkeys: PasskeyService;
  limits: AuthLimitDeps;
  sendIssued: (reply: FastifyReply, issued: Issued, status: number, cookieMode: boolean) => unknown;
}

export const passkeyRoutes =
  ({ passkeys, limits, sendIssued }: PasskeyRouteDeps): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const ipLimited = async (request: FastifyRequest, reply: FastifyReply) => limitAuthIp(limits, request, reply);

    app.get(
      '/',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Your passkeys',
          security: SECURED,
          response: { 200: passkeyListEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await passkeys.list(request.auth!.userId) }),
    );

    app.post(
      '/options',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Start registering a passkey: options for navigator.credentials.create() (a single-use challenge)',
          security: SECURED,
          response: { 200: passkeyOptionsEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await passkeys.registrationOptions(request.auth!.userId),
      }),
    );

    app.post(
      '/',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Register a passkey: the attestation of the options challenge (revokes your other sessions)',
          security: SECURED,
          body: passkeyRegisterBody,
          response: { 200: passkeyEnvelope },
        },
      },
      async (request) => {
        const { credential, name } = request.body;
        const data = await passkeys.register(
          request.auth!,
          { credential: credential as unknown as RegistrationResponseJSON, name },
          clientInfo(request),
        );
        return { success: true as const, data };
      },
    );

    app.patch(
      '/:id',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Rename a passkey',
          security: SECURED,
          params: idParams,
          body: passkeyRenameBody,
          response: { 200: passkeyEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await passkeys.rename(request.auth!.userId, request.params.id, request.body.name, clientInfo(request)),
      }),
    );

    app.delete(
      '/:id',
      {
        onRequest: fastify.requireAuth,
        schema: {
          tags: TAGS,
          summary: 'Delete a passkey (revokes your other sessions)',
          security: SECURED,
          params: idParams,
          response: { 200: z.object({ success: z.literal(true), data: z.object({ id: z.uuid() }) }) },
        },
      },
      async (request) => {
        await passkeys.remove(request.auth!, request.params.id, clientInfo(request));
        return { success: true as const, data: { id: request.params.id } };
      },
    );

    app.post(
      '/login/options',
      {
        onRequest: ipLimited,
        schema: {
          tags: TAGS,
          summary:
            'Passkey sign-in options for navigator.credentials.get(): passwordless, or with mfaChallenge the second step of a password sign-in',
          body: passkeyLoginOptionsBody,
          response: { 200: passkeyOptionsEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await passkeys.loginOptions(request.body.mfaChallenge),
      }),
    );

    app.post(
      '/login',
      {
        onRequest: ipLimited,
        schema: {
          tags: TAGS,
          summary: 'Sign in with a passkey assertion of a login options challenge (the normal login answer)',
          body: passkeyLoginBody,
          response: { 200: authEnvelope },
        },
      },
      async (request, reply) => {
        const credential = request.body.credential as unknown as AuthenticationResponseJSON;
        const userId = await passkeys.assertionUser(credential);
        const issued = await withMfaLimit(limits, userId, request, reply, () =>
          passkeys.login({ credential }, clientInfo(request)),
        );
        await sendIssued(reply, issued, 200, wantsCookies(request));
      },
    );
  };
