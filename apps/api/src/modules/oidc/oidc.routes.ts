/**
 * /api/v1/auth/oidc: list the configured provider, start its flow, and take the callback. A successful callback
 * issues a session exactly like a cookie-mode login (the auth module's session and cookies) and redirects to the
 * app; a failed one redirects to /login?error=<reason> (never a 5xx, never a token in a URL).
 */
import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientInfo } from '../../lib/http';
import { type CookieSettings, setAuthCookies } from '../auth';
import { FLOW_COOKIE, FLOW_COOKIE_PATH, FLOW_TTL_SEC } from './oidc.flow';
import type { OidcService } from './oidc.service';

const TAGS = ['auth'];
const providerParams = z.strictObject({ provider: z.string().min(1).max(64) });
const providersEnvelope = z.object({
  success: z.literal(true),
  data: z.array(z.object({ id: z.string(), name: z.string(), startUrl: z.string() })),
});

export interface OidcRouteDeps {
  service: OidcService;
  cookies: CookieSettings;
}

export const oidcRoutes =
  ({ service, cookies }: OidcRouteDeps): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const flowCookie = { httpOnly: true, path: FLOW_COOKIE_PATH, secure: cookies.secure };

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
        const started = await service.start(request.params.provider, request.query.returnTo, request.log);
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
        const q = request.url.indexOf('?');
        const outcome = await service.signIn(
          request.params.provider,
          {
            flowCookie: request.cookies?.[FLOW_COOKIE],
            query: q >= 0 ? request.url.slice(q) : '',
            error: request.query.error,
          },
          clientInfo(request),
        );
        reply.clearCookie(FLOW_COOKIE, { ...flowCookie, sameSite: 'lax' });
        if (outcome.issued) setAuthCookies(reply, cookies, outcome.issued);
        return reply.redirect(outcome.redirectTo, 302);
      },
    );
  };
