/** HTTP helpers of the auth, users and admin integration tests: their context, register, log in, refresh, /me, cookies. */
import type { TestConfigOverrides } from '../config';
import type { Mailer } from '../infra/mail/mailer';
import type { PlatformOverrides } from '../platform';
import { createTestContext, type Driver, type TestContext } from './context';

export const API = '/api/v1';
let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}-${Date.now().toString(36)}-${++counter}@example.test`;
export const GOOD_PASSWORD = 'violet staple orbit lantern';

/** Many sign-ups and requests from the one test address; the per-email login-failure limit keeps its default. */
export const MANY_SIGN_UPS = { authIpMax: 100_000, apiMax: 100_000 };

/** A context for the auth, users and admin suites: MANY_SIGN_UPS, and mail kept in `mailer` when one is given. */
export function createAuthContext(
  driver: Driver,
  options: { mailer?: Mailer; config?: TestConfigOverrides; overrides?: PlatformOverrides } = {},
): Promise<TestContext> {
  const { mailer, config = {}, overrides = {} } = options;
  return createTestContext(driver, {
    config: { ...config, rateLimit: { ...MANY_SIGN_UPS, ...config.rateLimit } },
    overrides: mailer ? { ...overrides, mailer } : overrides,
  });
}

export async function register(
  ctx: TestContext,
  body: Partial<{ name: string; email: string; password: string }> = {},
  headers: Record<string, string> = {},
) {
  const payload = { name: 'Ada Lovelace', email: uniqueEmail(), password: GOOD_PASSWORD, ...body };
  const res = await ctx.app.inject({ method: 'POST', url: `${API}/auth/register`, payload, headers });
  return { res, email: payload.email.toLowerCase(), password: payload.password, body: res.json() };
}

export async function login(ctx: TestContext, email: string, password: string, headers: Record<string, string> = {}) {
  return ctx.app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { email, password }, headers });
}

export async function refresh(ctx: TestContext, refreshToken: string) {
  return ctx.app.inject({ method: 'POST', url: `${API}/auth/refresh`, payload: { refreshToken } });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function me(ctx: TestContext, token: string) {
  return ctx.app.inject({ method: 'GET', url: `${API}/auth/me`, headers: bearer(token) });
}

/** name → value of the Set-Cookie headers of a response. */
export function cookieJar(res: { cookies: Array<{ name: string; value: string }> }): Record<string, string> {
  return Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
}

export const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
