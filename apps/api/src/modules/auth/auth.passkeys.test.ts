/**
 * Passkeys (issue 18 item 2), on every driver, with real WebAuthn objects made by a software authenticator
 * (test/soft-authenticator.ts: an ES256 key, a CBOR 'none' attestationObject, authenticatorData with the RP id hash,
 * flags and counter) verified by @simplewebauthn/server: registration (stored credential, other sessions revoked,
 * audited), list, rename, delete; passwordless sign-in; the passkey as the second step of a password sign-in with
 * TOTP on. Planted faults are refused in the contract's problem format: another origin, another RP id, a challenge
 * the server did not issue, a challenge used twice, a counter that goes back, no user verification for
 * passwordless, another user's passkey.
 */
import { and, eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, passkeys, webauthnChallenges } from '../../infra/db/schema';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { API, bearer, createAuthContext, login } from '../../test/auth-http';
import { SoftAuthenticator } from '../../test/soft-authenticator';

const RP_ID = 'localhost';
const ORIGIN = 'http://localhost:5173';

describe.each(drivers())('passkeys on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createAuthContext(driver, {
      config: {
        webauthn: { rpId: RP_ID, rpName: 'Primetrade Tasks', origins: [ORIGIN] },
        rateLimit: { loginFailuresMax: 50, authWindowSec: 900 },
      },
    });
  }, 180_000);
  afterAll(async () => ctx?.close());

  const db = () => ctx.database.db;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token?: string, payload?: object) =>
    ctx.app.inject({
      method,
      url: `${API}${url}`,
      headers: token ? bearer(token) : {},
      ...(payload ? { payload } : {}),
    });
  const expectProblem = (res: { statusCode: number; json: () => unknown }, status: number, code: string) => {
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ success: false, status, code });
  };
  const auditOf = (userId: string, type: string) =>
    db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, userId), eq(auditEvents.type, type)));

  async function registered(u: TestUser, name = 'Laptop') {
    const authn = new SoftAuthenticator(RP_ID, ORIGIN);
    const options = (await call('POST', '/auth/passkeys/options', u.accessToken)).json().data;
    const res = await call('POST', '/auth/passkeys', u.accessToken, { credential: authn.create(options), name });
    expect(res.statusCode).toBe(200);
    return { authn, passkey: res.json().data as { id: string; name: string } };
  }
  const loginOptions = async (mfaChallenge?: string) => {
    const res = await call('POST', '/auth/passkeys/login/options', undefined, mfaChallenge ? { mfaChallenge } : {});
    expect(res.statusCode).toBe(200);
    return res.json().data as { challenge: string; allowCredentials?: Array<{ id: string }>; rpId: string };
  };

  it('registers a passkey: options with a stored single-use challenge, the attestation verified, stored, audited, other sessions revoked', async () => {
    const u = await createUser(ctx.platform);
    const other = (await login(ctx, u.email, u.password)).json().data;
    const authn = new SoftAuthenticator(RP_ID, ORIGIN);
    const opt = await call('POST', '/auth/passkeys/options', u.accessToken);
    expect(opt.statusCode).toBe(200);
    const options = opt.json().data;
    expect(options.rp).toEqual({ id: RP_ID, name: 'Primetrade Tasks' });
    expect(options.user.name).toBe(u.email);
    expect(options.attestation).toBe('none');
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    // Stored hashed, not as sent.
    const challenges = await db().select().from(webauthnChallenges).where(eq(webauthnChallenges.userId, u.id));
    expect(challenges).toHaveLength(1);
    expect(challenges[0]?.challengeHash).not.toContain(options.challenge);

    const res = await call('POST', '/auth/passkeys', u.accessToken, {
      credential: authn.create(options),
      name: 'Laptop',
    });
    expect(res.statusCode).toBe(200);
    const pk = res.json().data;
    expect(pk).toMatchObject({ name: 'Laptop', transports: ['internal'], lastUsedAt: null });
    const [row] = await db().select().from(passkeys).where(eq(passkeys.id, pk.id));
    expect(row).toMatchObject({ userId: u.id, credentialId: authn.id, counter: 0, transports: ['internal'] });
    expect(row?.publicKey.length).toBeGreaterThan(40);
    const audit = await auditOf(u.id, 'mfa.passkey.added');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ passkeyId: pk.id, name: 'Laptop' });
    // The other session is revoked, this one lives.
    expect((await call('GET', '/auth/me', other.accessToken)).statusCode).toBe(401);
    expect((await call('GET', '/auth/me', u.accessToken)).statusCode).toBe(200);

    const list = await call('GET', '/auth/passkeys', u.accessToken);
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([pk]);
    // The registered credential is excluded from the next options.
    const next = (await call('POST', '/auth/passkeys/options', u.accessToken)).json().data;
    expect(next.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([authn.id]);
  });

  it('refuses a registration with another origin, another RP id, a challenge it did not issue, a used challenge or another user’s challenge (400, nothing stored)', async () => {
    const u = await createUser(ctx.platform);
    const v = await createUser(ctx.platform);
    const fresh = async (user = u) => (await call('POST', '/auth/passkeys/options', user.accessToken)).json().data;
    const reg = (credential: object, user = u) => call('POST', '/auth/passkeys', user.accessToken, { credential });
    const a = new SoftAuthenticator(RP_ID, ORIGIN);

    expectProblem(await reg(a.create(await fresh(), { origin: 'https://evil.example' })), 400, 'VALIDATION_FAILED');
    expectProblem(await reg(a.create(await fresh(), { rpId: 'evil.example' })), 400, 'VALIDATION_FAILED');
    await fresh();
    expectProblem(await reg(a.create({ challenge: 'bm90LWlzc3VlZC1ieS10aGUtc2VydmVy' })), 400, 'VALIDATION_FAILED');
    // v's challenge answered by u.
    expectProblem(await reg(a.create(await fresh(v))), 400, 'VALIDATION_FAILED');
    expect(await db().select().from(passkeys).where(eq(passkeys.userId, u.id))).toHaveLength(0);
    expect((await auditOf(u.id, 'mfa.passkey.failed')).length).toBeGreaterThanOrEqual(4);

    // Control: the same authenticator with a good ceremony works; then that challenge cannot be used again.
    const options = await fresh();
    expect((await reg(a.create(options))).statusCode).toBe(200);
    expectProblem(await reg(new SoftAuthenticator(RP_ID, ORIGIN).create(options)), 400, 'VALIDATION_FAILED');
    expect(await db().select().from(passkeys).where(eq(passkeys.userId, u.id))).toHaveLength(1);
    // The same credential a second time (new challenge): 409.
    expectProblem(await reg(a.create(await fresh())), 409, 'CONFLICT');
    // Bad shapes: 400, never 500.
    expectProblem(
      await call('POST', '/auth/passkeys', u.accessToken, { credential: { id: '!!' } }),
      400,
      'VALIDATION_FAILED',
    );
    const garbled = a.create(await fresh());
    garbled.response.attestationObject = 'AAAA';
    expectProblem(await reg(garbled), 400, 'VALIDATION_FAILED');
  });

  it('renames and deletes (200, audited, other sessions revoked by the delete); another user’s passkey is 404', async () => {
    const u = await createUser(ctx.platform);
    const v = await createUser(ctx.platform);
    const { passkey } = await registered(u);
    const renamed = await call('PATCH', `/auth/passkeys/${passkey.id}`, u.accessToken, { name: 'Phone' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().data.name).toBe('Phone');
    expect(await auditOf(u.id, 'mfa.passkey.renamed')).toHaveLength(1);
    expectProblem(
      await call('PATCH', `/auth/passkeys/${passkey.id}`, u.accessToken, { name: '' }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await call('PATCH', `/auth/passkeys/${passkey.id}`, v.accessToken, { name: 'Mine' }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await call('DELETE', `/auth/passkeys/${passkey.id}`, v.accessToken), 404, 'NOT_FOUND');
    expectProblem(await call('GET', '/auth/passkeys'), 401, 'UNAUTHENTICATED');

    const other = (await login(ctx, u.email, u.password)).json().data;
    const del = await call('DELETE', `/auth/passkeys/${passkey.id}`, u.accessToken);
    expect(del.statusCode).toBe(200);
    expect((await call('GET', '/auth/passkeys', u.accessToken)).json().data).toEqual([]);
    expect(await auditOf(u.id, 'mfa.passkey.removed')).toHaveLength(1);
    expect((await call('GET', '/auth/me', other.accessToken)).statusCode).toBe(401);
    expectProblem(await call('DELETE', `/auth/passkeys/${passkey.id}`, u.accessToken), 404, 'NOT_FOUND');
  });

  it('signs in passwordless with a passkey: the normal login answer, counter stored, audited', async () => {
    const u = await createUser(ctx.platform);
    const { authn, passkey } = await registered(u);
    const options = await loginOptions();
    expect(options.rpId).toBe(RP_ID);
    expect(options.allowCredentials ?? []).toEqual([]);
    const res = await call('POST', '/auth/passkeys/login', undefined, { credential: authn.get(options) });
    expect(res.statusCode).toBe(200);
    const data = res.json().data;
    expect(data.user.id).toBe(u.id);
    expect((await call('GET', '/auth/me', data.accessToken)).statusCode).toBe(200);
    const [row] = await db().select().from(passkeys).where(eq(passkeys.id, passkey.id));
    expect(row?.counter).toBe(1);
    expect(row?.lastUsedAt).not.toBeNull();
    const audit = await auditOf(u.id, 'auth.login.succeeded');
    expect(audit.some((e) => (e.details as { method?: string }).method === 'passkey')).toBe(true);

    // Cookie mode answers with cookies, as the login does.
    const cookieRes = await ctx.app.inject({
      method: 'POST',
      url: `${API}/auth/passkeys/login`,
      headers: { 'x-auth-mode': 'cookie' },
      payload: { credential: authn.get(await loginOptions()) },
    });
    expect(cookieRes.statusCode).toBe(200);
  });

  it('refuses passwordless assertions with another origin, another challenge, a used challenge, a counter rollback, no user verification or an unknown credential (401)', async () => {
    const u = await createUser(ctx.platform);
    const { authn } = await registered(u);
    const post = (credential: object) => call('POST', '/auth/passkeys/login', undefined, { credential });

    expectProblem(
      await post(authn.get(await loginOptions(), { origin: 'https://evil.example' })),
      401,
      'INVALID_CREDENTIALS',
    );
    expectProblem(await post(authn.get(await loginOptions(), { rpId: 'evil.example' })), 401, 'INVALID_CREDENTIALS');
    await loginOptions();
    expectProblem(await post(authn.get({ challenge: 'bm90LWlzc3VlZC1ieS10aGUtc2VydmVy' })), 401, 'INVALID_CREDENTIALS');
    expectProblem(await post(authn.get(await loginOptions(), { uv: false })), 401, 'INVALID_CREDENTIALS');
    expectProblem(
      await post(new SoftAuthenticator(RP_ID, ORIGIN).get(await loginOptions())),
      401,
      'INVALID_CREDENTIALS',
    );

    // A challenge past its 5 minutes (its expiry moved back here) is refused; so is a registration one used to sign in.
    const late = await loginOptions();
    await db()
      .update(webauthnChallenges)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(webauthnChallenges.purpose, 'login'));
    expectProblem(await post(authn.get(late)), 401, 'INVALID_CREDENTIALS');
    const regOptions = (await call('POST', '/auth/passkeys/options', u.accessToken)).json().data;
    expectProblem(await post(authn.get(regOptions)), 401, 'INVALID_CREDENTIALS');

    // Control, then the same challenge again.
    const options = await loginOptions();
    expect((await post(authn.get(options))).statusCode).toBe(200);
    expectProblem(await post(authn.get(options)), 401, 'INVALID_CREDENTIALS');

    // Counter: below or equal to the stored one is a cloned authenticator (the soft one counted the refused ones too).
    const [row] = await db().select().from(passkeys).where(eq(passkeys.credentialId, authn.id));
    const stored = row?.counter ?? 0;
    expect(stored).toBeGreaterThan(1);
    expectProblem(await post(authn.get(await loginOptions(), { counter: stored - 1 })), 401, 'INVALID_CREDENTIALS');
    expectProblem(await post(authn.get(await loginOptions(), { counter: stored })), 401, 'INVALID_CREDENTIALS');
    expect((await post(authn.get(await loginOptions(), { counter: stored + 5 }))).statusCode).toBe(200);
    expect((await auditOf(u.id, 'mfa.passkey.failed')).length).toBeGreaterThanOrEqual(6);
    expectProblem(await call('POST', '/auth/passkeys/login', undefined, { credential: {} }), 400, 'VALIDATION_FAILED');
  });

  it('completes a password sign-in with TOTP on by a passkey (second factor): the MFA challenge bound and spent', async () => {
    const u = await createUser(ctx.platform);
    const v = await createUser(ctx.platform);
    const { secret } = (await call('POST', '/auth/mfa/totp', u.accessToken)).json().data;
    expect(
      (await call('POST', '/auth/mfa/totp/confirm', u.accessToken, { code: await generate({ secret }) })).statusCode,
    ).toBe(200);
    const { authn } = await registered(u);
    const { authn: vKey } = await registered(v);

    const first = await login(ctx, u.email, u.password);
    expect(first.json().data).toMatchObject({ mfaRequired: true });
    const mfaChallenge = first.json().data.challenge as string;
    expectProblem(
      await call('POST', '/auth/passkeys/login/options', undefined, { mfaChallenge: 'nope' }),
      401,
      'UNAUTHENTICATED',
    );
    const options = await loginOptions(mfaChallenge);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authn.id]);
    // Another user's passkey cannot answer u's second step.
    expectProblem(
      await call('POST', '/auth/passkeys/login', undefined, { credential: vKey.get(options) }),
      401,
      'INVALID_CREDENTIALS',
    );

    const res = await call('POST', '/auth/passkeys/login', undefined, { credential: authn.get(options) });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.user.id).toBe(u.id);
    const audit = await auditOf(u.id, 'auth.login.succeeded');
    expect(audit.some((e) => (e.details as { method?: string }).method === 'password+passkey')).toBe(true);
    // The MFA challenge is spent: neither a TOTP code nor another passkey round can use it again.
    expectProblem(
      await call('POST', '/auth/mfa/verify', undefined, { challenge: mfaChallenge, code: await generate({ secret }) }),
      401,
      'UNAUTHENTICATED',
    );
    expectProblem(
      await call('POST', '/auth/passkeys/login/options', undefined, { mfaChallenge }),
      401,
      'UNAUTHENTICATED',
    );
  });
});
