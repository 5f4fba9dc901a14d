/**
 * Response serialisers compile at their first use (lib/serializer.ts, bench P10's idle RSS). What that must not
 * lose: every route's schema still compiles — shown by compiling the whole app's set here, with a planted schema
 * that cannot compile (a dangling $ref) failing the same call — and a lazily compiled serialiser still drops
 * undeclared fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../test/context';
import { lazySerializers } from './serializer';

const route = (schema: unknown) => ({ schema, method: 'GET', url: '/x', httpStatus: '200' });

describe('lazy response serialisers', () => {
  it('compile at the first response, not when handed out; the output keeps only declared fields', () => {
    const set = lazySerializers();
    // A schema fast-json-stringify refuses: handing it out does not compile it.
    const broken = set.compiler(route(z.object({ a: z.string().meta({ $ref: '#/definitions/missing' }) })));
    const serialize = set.compiler(route(z.object({ id: z.string(), title: z.string() })));
    expect(serialize({ id: 't1', title: 'Plan', passwordHash: 'secret' })).toBe('{"id":"t1","title":"Plan"}');
    expect(() => broken({ a: 'x' })).toThrow(/missing/);
    // compileAll finds it without a request (the planted fault of the app-wide check below).
    expect(() => set.compileAll()).toThrow(/missing/);
  });

  it('a schema that is not zod is sent as JSON.stringify sends it', () => {
    const set = lazySerializers();
    expect(set.compiler(route({ type: 'object' }))({ a: 1 })).toBe('{"a":1}');
    expect(set.compileAll()).toBe(1);
  });

  describe('the whole app', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext('pglite');
    }, 180_000);
    afterAll(async () => ctx?.close());

    it("every route's response serialisers compile", () => {
      // ~100 route × status schemas; a count far below means the compiler was not the app's.
      expect(ctx.app.compileSerializers()).toBeGreaterThan(80);
    });
  });
});
