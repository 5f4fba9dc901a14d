/**
 * The oidc module: sign-in through an OpenID Connect provider, and the id_tokens it keeps (sealed; re-encrypted
 * after a key rotation by `npm run cli -- reencrypt`). Reached only through this file.
 */
import type { CookieSettings } from '../auth';
import { oidcRoutes } from './oidc.routes';
import { OidcService, type OidcServiceDeps } from './oidc.service';

export interface OidcModuleDeps extends OidcServiceDeps {
  cookies: CookieSettings;
}

export function createOidcModule(deps: OidcModuleDeps) {
  const { cookies, ...serviceDeps } = deps;
  const service = new OidcService(serviceDeps);
  return { service, routes: oidcRoutes({ service, cookies }) };
}

export { identityContext, reencryptIdTokens } from './oidc.id-tokens';
