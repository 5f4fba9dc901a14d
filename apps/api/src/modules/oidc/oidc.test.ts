/**
 * OpenID Connect sign-in end to end against a real OpenID provider (the `oidc-provider` package) listening on
 * 127.0.0.1 inside the test: discovery, authorization code + PKCE, the provider's own login and consent pages
 * driven over HTTP with a cookie-keeping client, the code exchange and id_token checks, account linking rules,
 * and a session issued exactly like a cookie-mode login.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { eq } from 'drizzle-orm';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app';
import { FieldCipher } from '../../infra/crypto/field-cipher';
import { userIdentities, users } from '../../infra/db/schema';
import { createTestContext, type TestContext, testPlatform } from '../../test/context';
import { createUser } from '../../test/factories';
import { identityContext } from './oidc.id-tokens';

const CLIENT_ID = 'primetrade-test';
const CLIENT_SECRET = randomBytes(24).toString('hex');
const FIELD_KEYS = `k1:${randomBytes(32).toString('base64')}`;

interface Account {
  email: string;
  email_verified: boolean;
  name: string;
}

describe('OpenID Connect sign-in (oidc-provider on 127.0.0.1)', () => {
  let server: Server;
  let issuer: string;
  let ctx: TestContext;
  const accounts = new Map<string, Account>();
  let callbackBase: string;

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    issuer = `http://127.0.0.1:${port}`;
    ctx = await createTestContext('pglite', {
      config: {
        oidc: { issuerUrl: issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, providerName: 'Test IdP' },
        fieldEncryptionKeys: FIELD_KEYS,
      },
    });
    callbackBase = `${ctx.config.appUrl}/api/v1/auth/oidc/test-idp/callback`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [callbackBase],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      conformIdTokenClaims: false,
      cookies: { keys: [randomBytes(32).toString('hex')] },
      findAccount: async (_ctx, sub) => {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return { accountId: sub, claims: async () => ({ sub, ...account }) };
      },
      pkce: { required: () => true },
    });
    server.on('request', provider.callback());
  }, 180_000);

  afterAll(async () => {
    await ctx?.close();
    await new Promise((r) => server?.close(r));
  });

  /** Drive the provider's pages like a browser: follow redirects, keep cookies, fill login and consent forms. */
  async function signInAtProvider(authorizationUrl: string, login: string): Promise<string> {
    const jar = new Map<string, string>();
    let url = authorizationUrl;
    let body: string | undefined;
    for (let step = 0; step < 20; step++) {
      if (url.startsWith(callbackBase)) return url;
      const res = await fetch(url, {
        method: body ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body,
      });
      for (const c of res.headers.getSetCookie()) {
        const pair = c.split(';')[0] ?? '';
        const i = pair.indexOf('=');
        const [name, value] = [pair.slice(0, i), pair.slice(i + 1)];
        if (!value || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
        else jar.set(name, value);
      }
      if (res.status >= 300 && res.status < 400) {
        url = new URL(res.headers.get('location') ?? '', url).href;
        body = undefined;
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (!action || !prompt) throw new Error(`unexpected provider page (${res.status}): ${html.slice(0, 400)}`);
      url = new URL(action.replaceAll('&amp;', '&'), url).href;
      body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt }).toString();
    }
    throw new Error('too many steps at the provider');
  }

  async function start() {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/test-idp/start?returnTo=/tasks' });
    expect(res.statusCode).toBe(302);
    const flow = res.cookies.find((c) => c.name === 'oidc_flow');
    expect(flow).toBeDefined();
    return { location: String(res.headers.location), flow: flow!, res };
  }

  async function fullSignIn(login: string) {
    const { location, flow } = await start();
    const back = await signInAtProvider(location, login);
    const url = new URL(back);
    const res = await ctx.app.inject({
      method: 'GET',
      url: `${url.pathname}${url.search}`,
      headers: { cookie: `oidc_flow=${flow.value}` },
    });
    return { res, back };
  }

  it('lists the configured provider; an unconfigured server lists none', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/providers' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([
      { id: 'test-idp', name: 'Test IdP', startUrl: '/api/v1/auth/oidc/test-idp/start' },
    ]);
    const plain = await buildApp(testPlatform({ ...ctx.config, oidc: undefined }, ctx.database));
    try {
      const none = await plain.inject({ method: 'GET', url: '/api/v1/auth/oidc/providers' });
      expect(none.json().data).toEqual([]);
      const startNone = await plain.inject({ method: 'GET', url: '/api/v1/auth/oidc/test-idp/start' });
      expect(startNone.statusCode).toBe(404);
    } finally {
      await plain.close();
    }
    const unknown = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/other/start' });
    expect(unknown.statusCode).toBe(404);
  });

  it('start redirects with PKCE S256, state and nonce, kept in a short-lived signed HttpOnly cookie', async () => {
    const { location, flow } = await start();
    const url = new URL(location);
    expect(url.origin).toBe(issuer);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')?.length).toBeGreaterThanOrEqual(20);
    expect(url.searchParams.get('nonce')?.length).toBeGreaterThanOrEqual(20);
    expect(url.searchParams.get('redirect_uri')).toBe(callbackBase);
    expect(flow.httpOnly).toBe(true);
    expect(flow.sameSite?.toLowerCase()).toBe('lax');
    expect(flow.path).toBe('/api/v1/auth/oidc');
    expect(flow.maxAge).toBeLessThanOrEqual(600);
    // The verifier is not in the URL.
    expect(location).not.toContain(
      JSON.parse(Buffer.from(flow.value.split('.')[0] ?? '', 'base64url').toString()).verifier,
    );
  });

  it('creates a user on first sign-in and issues a cookie-mode session; the id_token is stored encrypted', async () => {
    accounts.set('alice-sub', { email: 'Alice.OIDC@example.test', email_verified: true, name: 'Alice OIDC' });
    const { res } = await fullSignIn('alice-sub');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`${ctx.config.appUrl}/tasks`);
    const jar = Object.fromEntries(res.cookies.map((c) => [c.name, c]));
    expect(jar.access_token?.httpOnly).toBe(true);
    expect(jar.access_token?.sameSite?.toLowerCase()).toBe('strict');
    expect(jar.refresh_token?.path).toBe('/api/v1/auth');
    expect(jar.csrf_token).toBeDefined();
    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `access_token=${jar.access_token?.value}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().data).toMatchObject({ email: 'alice.oidc@example.test', name: 'Alice OIDC', emailVerified: true });
    const [identity] = await ctx.platform.database.db
      .select()
      .from(userIdentities)
      .where(eq(userIdentities.subject, 'alice-sub'));
    expect(identity?.userId).toBe(me.json().data.id);
    expect(identity?.idTokenEnc).toMatch(/^v1\.k1\./);
    const idToken = new FieldCipher([{ id: 'k1', key: Buffer.from(FIELD_KEYS.slice(3), 'base64') }]).decrypt(
      identity?.idTokenEnc ?? '',
      identityContext(identity?.id ?? ''),
    );
    expect(JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()).sub).toBe('alice-sub');

    // Signing in again reuses the link: same user, no second account.
    const again = await fullSignIn('alice-sub');
    expect(again.res.statusCode).toBe(302);
    const count = await ctx.platform.database.db.$count(users, eq(users.email, 'alice.oidc@example.test'));
    expect(count).toBe(1);
  });

  it('links an existing account only when the provider says email_verified', async () => {
    const existing = await createUser(ctx.platform, { email: 'carol@example.test' });
    accounts.set('mallory-sub', { email: 'carol@example.test', email_verified: false, name: 'Not Carol' });
    const refused = await fullSignIn('mallory-sub');
    expect(refused.res.statusCode).toBe(302);
    expect(refused.res.headers.location).toBe(`${ctx.config.appUrl}/login?error=oidc_email_unverified`);
    expect(refused.res.cookies.find((c) => c.name === 'access_token')).toBeUndefined();
    expect(await ctx.platform.database.db.$count(userIdentities, eq(userIdentities.subject, 'mallory-sub'))).toBe(0);

    accounts.set('carol-sub', { email: 'carol@example.test', email_verified: true, name: 'Carol' });
    const linked = await fullSignIn('carol-sub');
    expect(linked.res.statusCode).toBe(302);
    const access = linked.res.cookies.find((c) => c.name === 'access_token')?.value;
    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `access_token=${access}` },
    });
    expect(me.json().data.id).toBe(existing.id);
  });

  it('refuses a callback without the flow cookie, with a forged state, a tampered cookie or a replayed code', async () => {
    accounts.set('dave-sub', { email: 'dave@example.test', email_verified: true, name: 'Dave' });
    const { location, flow } = await start();
    const back = new URL(await signInAtProvider(location, 'dave-sub'));
    const path = `${back.pathname}${back.search}`;
    const fail = (res: { statusCode: number; headers: Record<string, unknown>; cookies: Array<{ name: string }> }) => {
      expect(res.statusCode).toBe(302);
      expect(String(res.headers.location)).toMatch(/\/login\?error=oidc_/);
      expect(res.cookies.find((c) => c.name === 'access_token')).toBeUndefined();
    };
    fail(await ctx.app.inject({ method: 'GET', url: path }));
    const [body, mac] = flow.value.split('.');
    const forged = JSON.parse(Buffer.from(body ?? '', 'base64url').toString());
    forged.state = 'attacker-state';
    const forgedBody = Buffer.from(JSON.stringify(forged)).toString('base64url');
    fail(await ctx.app.inject({ method: 'GET', url: path, headers: { cookie: `oidc_flow=${forgedBody}.${mac}` } }));
    const wrongState = path.replace(/state=[^&]+/, 'state=attacker-state');
    fail(await ctx.app.inject({ method: 'GET', url: wrongState, headers: { cookie: `oidc_flow=${flow.value}` } }));
    // The genuine one works once; the same code again is refused by the provider.
    const ok = await ctx.app.inject({ method: 'GET', url: path, headers: { cookie: `oidc_flow=${flow.value}` } });
    expect(ok.statusCode).toBe(302);
    expect(ok.headers.location).toBe(`${ctx.config.appUrl}/tasks`);
    fail(await ctx.app.inject({ method: 'GET', url: path, headers: { cookie: `oidc_flow=${flow.value}` } }));
    // A provider error parameter is a refusal too.
    fail(
      await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/auth/oidc/test-idp/callback?error=access_denied&state=x',
        headers: { cookie: `oidc_flow=${flow.value}` },
      }),
    );
  });
});
