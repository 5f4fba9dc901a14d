/**
 * Personal API tokens: create (the secret returned once, only its hash stored), list, revoke. Rules: at most
 * TOKENS_PER_USER_MAX per user; a revocation is told to the guard, which drops the cached answer here and on every
 * other instance. Both changes are audited in their own transaction.
 */
import { randomBytes } from 'node:crypto';
import {
  API_TOKEN_PREFIX,
  type ApiToken,
  type CreatedApiToken,
  type CreateTokenBody,
  type TokenScope,
  TOKENS_PER_USER_MAX,
} from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import { conflict, notFound } from '../../lib/errors';
import type { ClientInfo } from '../../lib/http';
import { securityEvent } from '../../lib/security-log';
import { recordAudit } from '../audit';
import { type ApiTokenGuard, hashApiToken } from './tokens.guard';
import { type ApiTokenRow, countTokens, deleteToken, insertToken, listTokens, lockUser } from './tokens.repo';

export interface TokensServiceDeps {
  db: Db;
  guard: ApiTokenGuard;
}

/** `ptt_` + 256 random bits (base64url): guessing is hopeless, so a fast hash is enough to store it. */
export const newSecret = () => `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes as TokenScope[],
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    createdAt: row.createdAt.toISOString(),
  };
}

export class TokensService {
  constructor(private readonly deps: TokensServiceDeps) {}

  async list(userId: string): Promise<ApiToken[]> {
    return (await listTokens(this.deps.db, userId)).map(toApiToken);
  }

  async create(userId: string, body: CreateTokenBody, client: ClientInfo): Promise<CreatedApiToken> {
    const secret = newSecret();
    const row = await this.deps.db.transaction(async (tx) => {
      if (!(await lockUser(tx, userId))) throw notFound('User');
      if ((await countTokens(tx, userId)) >= TOKENS_PER_USER_MAX) {
        throw conflict(`You already have ${TOKENS_PER_USER_MAX} API tokens: revoke one first`);
      }
      const created = await insertToken(tx, {
        userId,
        name: body.name,
        scopes: body.scopes,
        tokenHash: hashApiToken(secret),
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      });
      await recordAudit(tx, {
        type: 'token.created',
        userId,
        client,
        details: { tokenId: created.id, name: created.name, scopes: created.scopes, expiresAt: iso(created.expiresAt) },
      });
      return created;
    });
    securityEvent(client.log, 'token.created', { userId, tokenId: row.id, ip: client.ip });
    return { ...toApiToken(row), token: secret };
  }

  async revoke(userId: string, id: string, client: ClientInfo): Promise<void> {
    const row = await this.deps.db.transaction(async (tx) => {
      const deleted = await deleteToken(tx, userId, id);
      if (!deleted) throw notFound('API token');
      await recordAudit(tx, {
        type: 'token.revoked',
        userId,
        client,
        details: { tokenId: deleted.id, name: deleted.name },
      });
      return deleted;
    });
    await this.deps.guard.revoked(row.id);
    securityEvent(client.log, 'token.revoked', { userId, tokenId: row.id, ip: client.ip });
  }
}
