import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser } from '../../test/factories';

const URL = '/api/v1/users/me/preferences';

describe.each(drivers())('reminder preferences on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
  });
  afterAll(async () => ctx?.close());

  it('reads the defaults, opts out, changes the lead time, refuses bad values', async () => {
    const u = await createUser(ctx.platform);
    const get = await ctx.app.inject({ method: 'GET', url: URL, headers: u.headers });
    expect(get.json().data).toEqual({ remindersEnabled: true, reminderLeadMinutes: 1440 });
    const off = await ctx.app.inject({
      method: 'PATCH',
      url: URL,
      headers: u.headers,
      payload: { remindersEnabled: false },
    });
    expect(off.json().data).toEqual({ remindersEnabled: false, reminderLeadMinutes: 1440 });
    const lead = await ctx.app.inject({
      method: 'PATCH',
      url: URL,
      headers: u.headers,
      payload: { reminderLeadMinutes: 120 },
    });
    expect(lead.json().data).toEqual({ remindersEnabled: false, reminderLeadMinutes: 120 });
    for (const payload of [{}, { reminderLeadMinutes: 5 }, { remindersEnabled: 'no' }, { role: 'admin' }]) {
      const bad = await ctx.app.inject({ method: 'PATCH', url: URL, headers: u.headers, payload });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await ctx.app.inject({ method: 'GET', url: URL })).statusCode).toBe(401);
    // The user object of the contract is unchanged.
    const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: u.headers });
    expect(Object.keys(me.json().data).sort()).toEqual(
      ['createdAt', 'email', 'emailVerified', 'id', 'isActive', 'name', 'role', 'timezone', 'updatedAt'].sort(),
    );
  });
});
