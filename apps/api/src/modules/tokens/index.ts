/**
 * The tokens module (issue 18 item 3): personal API tokens. Its routes (/tokens) manage them; its guard tells the
 * request-auth plugin whom a presented `ptt_…` secret stands for (cached ≤ 1 s, revocations published on the
 * session revocation bus). Which routes a token may call is the contract's TOKEN_ROUTES (@primetrade/shared).
 */
import type { Db } from '../../infra/db/client';
import type { RevocationBus } from '../../infra/session-guard';
import { ApiTokenGuard } from './tokens.guard';
import { tokenRoutes } from './tokens.routes';
import { TokensService } from './tokens.service';

export interface TokensModuleDeps {
  db: Db;
  /** The bus the session guard uses (Redis pub/sub); none on a single instance. */
  revocations: RevocationBus | undefined;
}

export function createTokensModule(deps: TokensModuleDeps) {
  const guard = new ApiTokenGuard(deps.db, { bus: deps.revocations });
  const service = new TokensService({ db: deps.db, guard });
  return { service, guard, routes: tokenRoutes(service) };
}

export type { ApiTokenGuard, TokenAuth, TokenCheck } from './tokens.guard';
export { hashApiToken } from './tokens.guard';
