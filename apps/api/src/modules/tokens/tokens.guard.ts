/**
 * Is a presented API token (`ptt_…`) good, and for whom? Asked by the request-auth plugin for every bearer value
 * with the token prefix. The database is the truth (the secret's SHA-256 is the lookup key, so no comparison of
 * secrets happens in this process); answers are cached per hash for at most `ttlMs` (1 s), so a revocation, an
 * expiry or a disabled account is honoured within 1 s on every instance even with no bus. A revocation made here
 * also drops the cached answer at once, locally and — through the revocation bus the session guard uses (Redis
 * pub/sub), as `token:<id>` — on every other instance.
 */
import { createHash } from 'node:crypto';
import { API_TOKEN_PREFIX, type TokenScope } from '@primetrade/shared';
import { BoundedMap } from '../../infra/bounded-map';
import type { Db } from '../../infra/db/client';
import type { RevocationBus } from '../../infra/session-guard';
import { findGrantByHash, type TokenGrant, touchToken } from './tokens.repo';

/** The bus carries session ids too: token ids travel namespaced (the session guard ignores what it never issued). */
const BUS_PREFIX = 'token:';
/** Longer than any secret this server issues (`ptt_` + 43 base64url characters): not looked up at all. */
const MAX_SECRET_LENGTH = 128;

export const hashApiToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface TokenAuth {
  userId: string;
  tokenId: string;
  role: 'user' | 'admin';
  scopes: TokenScope[];
  /** When the token expires (ms since the epoch); Infinity when it never does. */
  expiresAtMs: number;
}

export type TokenCheck = { ok: true; auth: TokenAuth } | { ok: false; reason: 'expired' | 'invalid' | 'revoked' };

export interface ApiTokenGuardOptions {
  bus?: RevocationBus | undefined;
  /** How long a looked-up answer is reused (the revocation bound without a bus). */
  ttlMs?: number;
  /** lastUsedAt is written at most this often per token. */
  touchEveryMs?: number;
  maxEntries?: number;
}

interface Entry {
  grant: TokenGrant | undefined;
  until: number;
}

export class ApiTokenGuard {
  private readonly ttlMs: number;
  private readonly touchEveryMs: number;
  private readonly maxEntries: number;
  private readonly cache: BoundedMap<Entry>;
  /** Token id → the hash its cached answer is under (to drop it on revocation). */
  private readonly hashOf = new Map<string, string>();
  /** Token ids revoked lately: an answer looked up while the revocation was heard does not resurrect them. */
  private readonly revokedUntil = new Map<string, number>();
  /** Token id → when this instance last wrote its lastUsedAt. */
  private readonly touchedAt = new Map<string, number>();
  private readonly bus: RevocationBus | undefined;

  constructor(
    private readonly db: Db,
    options: ApiTokenGuardOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 1000;
    this.touchEveryMs = options.touchEveryMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.cache = new BoundedMap<Entry>(this.maxEntries, (e) => e.until);
    this.bus = options.bus;
    this.bus?.onRevoked((ids) =>
      this.forgetLocal(ids.filter((id) => id.startsWith(BUS_PREFIX)).map((id) => id.slice(BUS_PREFIX.length))),
    );
  }

  async authenticate(secret: string): Promise<TokenCheck> {
    if (!secret.startsWith(API_TOKEN_PREFIX) || secret.length > MAX_SECRET_LENGTH) {
      return { ok: false, reason: 'invalid' };
    }
    const hash = hashApiToken(secret);
    const grant = await this.lookup(hash);
    if (!grant) return { ok: false, reason: 'invalid' };
    if (!grant.userActive) return { ok: false, reason: 'revoked' };
    const now = Date.now();
    const expiresAtMs = grant.expiresAt ? grant.expiresAt.getTime() : Number.POSITIVE_INFINITY;
    if (expiresAtMs <= now) return { ok: false, reason: 'expired' };
    await this.touch(grant, now);
    return {
      ok: true,
      auth: {
        userId: grant.userId,
        tokenId: grant.id,
        role: grant.role,
        scopes: grant.scopes as TokenScope[],
        expiresAtMs,
      },
    };
  }

  /** Call after the database says this token is gone. */
  async revoked(tokenId: string): Promise<void> {
    this.forgetLocal([tokenId]);
    await this.bus?.publish([`${BUS_PREFIX}${tokenId}`]);
  }

  private async lookup(hash: string): Promise<TokenGrant | undefined> {
    const hit = this.cache.get(hash);
    if (hit) return hit.grant;
    const grant = await findGrantByHash(this.db, hash);
    const now = Date.now();
    // A revocation heard while the database was asked wins over an answer that may predate it.
    if (grant && (this.revokedUntil.get(grant.id) ?? 0) > now) return undefined;
    this.cache.set(hash, { grant, until: now + this.ttlMs });
    if (grant) {
      if (this.hashOf.size >= this.maxEntries) this.hashOf.clear();
      this.hashOf.set(grant.id, hash);
    }
    return grant;
  }

  /** Write lastUsedAt when the last recorded use (here or, as the row said, anywhere) is an interval old. */
  private async touch(grant: TokenGrant, now: number): Promise<void> {
    const last = Math.max(this.touchedAt.get(grant.id) ?? 0, grant.lastUsedAt?.getTime() ?? 0);
    if (now - last < this.touchEveryMs) return;
    if (this.touchedAt.size >= this.maxEntries) this.touchedAt.clear();
    this.touchedAt.set(grant.id, now);
    grant.lastUsedAt = new Date(now);
    try {
      await touchToken(this.db, grant.id, new Date(now), new Date(now - this.touchEveryMs));
    } catch {
      /* bookkeeping only: the request goes on (the next interval tries again) */
      this.touchedAt.delete(grant.id);
    }
  }

  private forgetLocal(tokenIds: string[]): void {
    const now = Date.now();
    for (const [id, t] of this.revokedUntil) if (t <= now) this.revokedUntil.delete(id);
    for (const id of tokenIds) {
      this.revokedUntil.set(id, now + this.ttlMs);
      const hash = this.hashOf.get(id);
      if (hash) this.cache.delete(hash);
      this.hashOf.delete(id);
      this.touchedAt.delete(id);
    }
  }
}
