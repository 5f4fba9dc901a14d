/**
 * /api/v1/auth/oidc: list the configured provider, start its flow, and take the callback. A successful callback
 * issues a session exactly like a cookie-mode login (AuthService.startSession + the auth cookies) and redirects
 * to the app; a failed one redirects to /login?error=<reason> (never a 5xx, never a token in a URL).
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { notFound, unavailable } from '../../lib/errors';
import { clientInfo } from '../auth/auth.routes';
import { AuthService, securityEvent } from '../auth/auth.service';
import { setAuthCookies } from '../auth/auth-cookies';
import { FLOW_COOKIE, FLOW_COOKIE_PATH, FLOW_TTL_SEC, OidcError, OidcService } from './oidc.service';

const TAGS = ['auth'];
const providerParams = z.strictObject({ provider: z.string().min(1).max(64) });
const providersEnvelope = z.object({
  success: z.literal(true),
  data: z.array(z.object({ id: z.string(), name: z.string(), startUrl: z.string() })),
});

export async function oidcRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { deps } = fastify;
  const service = new OidcService(deps);
  const auth = new AuthService(deps);
  const flowCookie = { httpOnly: true, path: FLOW_COOKIE_PATH, secure: deps.config.secureCookies };

  const providerOr404 = (id: string) => {
    const p = service.provider;
    if (!p || p.id !== id) throw notFound('Provider');
    return p;
  };

  app.get(
    '/providers',
    {
      schema: {
        tags: TAGS,
        summary: 'External sign-in providers (empty when none is configured)',
        response: { 200: providersEnvelope },
      },
    },
    async () => ({ success: true as const, data: service.provider ? [service.provider] : [] }),
  );

  app.get(
    '/:provider/start',
    {
      schema: {
        tags: TAGS,
        summary: 'Redirect to the provider (authorization code + PKCE, state and nonce in a signed cookie)',
        params: providerParams,
        querystring: z.strictObject({ returnTo: z.string().max(512).optional() }),
      },
    },
    async (request, reply) => {
      const p = providerOr404(request.params.provider);
      let started: { url: string; cookie: string };
      try {
        started = await service.start(p.id, request.query.returnTo);
      } catch (err) {
        request.log.warn({ err }, 'oidc discovery failed');
        throw unavailable('The sign-in provider is unavailable, try again shortly');
      }
      // SameSite=Lax: the provider's redirect back is a cross-site top-level GET, which Strict would not carry.
      reply.setCookie(FLOW_COOKIE, started.cookie, { ...flowCookie, sameSite: 'lax', maxAge: FLOW_TTL_SEC });
      return reply.redirect(started.url, 302);
    },
  );

  app.get(
    '/:provider/callback',
    {
      schema: {
        tags: TAGS,
        summary: 'The provider redirects here; signs in (cookie mode) and redirects to the app',
        params: providerParams,
        querystring: z.looseObject({
          code: z.string().max(4096).optional(),
          state: z.string().max(1024).optional(),
          error: z.string().max(256).optional(),
        }),
      },
    },
    async (request, reply) => {
      const p = providerOr404(request.params.provider);
      const info = clientInfo(request);
      const raw = request.cookies?.[FLOW_COOKIE];
      reply.clearCookie(FLOW_COOKIE, { ...flowCookie, sameSite: 'lax' });
      const appUrl = deps.config.appUrl;
      try {
        if (request.query.error) throw new OidcError('provider_error', request.query.error);
        const flow = service.openFlow(raw, p.id);
        const q = request.url.indexOf('?');
        const { user, linked } = await service.callback(p.id, flow, q >= 0 ? request.url.slice(q) : '');
        if (!user.isActive) throw new OidcError('account_disabled');
        const issued = await auth.startSession(user, info);
        setAuthCookies(reply, deps.config, issued);
        securityEvent(info.log, 'auth.oidc.succeeded', {
          userId: user.id,
          sessionId: issued.sessionId,
          provider: p.id,
          linked,
          ip: info.ip,
        });
        return reply.redirect(`${appUrl}${flow.returnTo}`, 302);
      } catch (err) {
        const reason = err instanceof OidcError ? err.reason : 'failed';
        securityEvent(info.log, 'auth.oidc.failed', { provider: p.id, reason, ip: info.ip }, 'warn');
        if (!(err instanceof OidcError)) request.log.error({ err }, 'oidc callback failed');
        return reply.redirect(`${appUrl}/login?error=oidc_${reason}`, 302);
      }
    },
  );
}
