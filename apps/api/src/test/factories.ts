/**
 * Factories: users (with a session and an access token) and tasks, written straight to the real database.
 */
import { randomUUID } from 'node:crypto';
import type { Platform } from '../platform';
import { hashToken, randomToken } from '../infra/tokens';
import { hashPassword } from '../infra/passwords';
import { refreshTokens, sessions, users } from '../infra/db/schema';

export const DEFAULT_PASSWORD = 'correct horse battery staple';
let defaultHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
  role: 'user' | 'admin';
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  /** `{ authorization: 'Bearer …' }` for app.inject. */
  headers: { authorization: string };
}

export async function createUser(
  platform: Platform,
  overrides: Partial<{
    email: string;
    name: string;
    password: string;
    role: 'user' | 'admin';
    timezone: string;
    emailVerified: boolean;
    isActive: boolean;
  }> = {},
): Promise<TestUser> {
  const db = platform.database.db;
  const password = overrides.password ?? DEFAULT_PASSWORD;
  if (!defaultHash) defaultHash = hashPassword(DEFAULT_PASSWORD);
  const passwordHash = password === DEFAULT_PASSWORD ? await defaultHash : await hashPassword(password);
  const email = (overrides.email ?? `user-${randomUUID()}@example.test`).toLowerCase();
  const [user] = await db
    .insert(users)
    .values({
      email,
      name: overrides.name ?? 'Test User',
      passwordHash,
      role: overrides.role ?? 'user',
      timezone: overrides.timezone ?? 'UTC',
      emailVerified: overrides.emailVerified ?? true,
      isActive: overrides.isActive ?? true,
    })
    .returning();
  if (!user) throw new Error('user insert failed');
  const now = Date.now();
  const [session] = await db
    .insert(sessions)
    .values({
      userId: user.id,
      userAgent: 'factory',
      ip: '127.0.0.1',
      expiresAt: new Date(now + platform.config.refreshTokenTtlSec * 1000),
      absoluteExpiresAt: new Date(now + platform.config.sessionAbsoluteTtlSec * 1000),
    })
    .returning();
  if (!session) throw new Error('session insert failed');
  const refreshToken = randomToken();
  await db.insert(refreshTokens).values({
    sessionId: session.id,
    userId: user.id,
    tokenHash: hashToken(refreshToken),
    expiresAt: new Date(now + platform.config.refreshTokenTtlSec * 1000),
  });
  const { token } = await platform.tokens.signAccess({ userId: user.id, sessionId: session.id, role: user.role });
  return {
    id: user.id,
    email,
    name: user.name,
    password,
    role: user.role,
    sessionId: session.id,
    accessToken: token,
    refreshToken,
    headers: { authorization: `Bearer ${token}` },
  };
}
