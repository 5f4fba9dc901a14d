/**
 * What a process loads before it serves (bench P10: start to ready < 5 s, idle RSS): ioredis and BullMQ only with
 * Redis configured, and the libraries of the rarer requests — passkeys (@simplewebauthn/server and its X.509 /
 * ASN.1 stack), pushes (web-push), quick add (chrono-node), SMTP (nodemailer), second factors (otplib), provider
 * sign-in (openid-client), calendar feeds (ical.js) — at their first use (lib/lazy-module.ts), not at start.
 * Loading them eagerly cost ~0.85 s of start-up and ~10–20 MB here. The reflect-metadata polyfill the passkey
 * library requires IS loaded at start, so that the first passkey request changes no global. In the `isolated`
 * project (vitest.config.ts): the check reads this process's module cache, which must not hold what other test
 * files loaded.
 *
 * That cache is CommonJS's: a package imported as an ES module (nodemailer's and openid-client's builds are) never
 * shows in it, so the runtime check alone would pass an eager `import nodemailer from 'nodemailer'`. The static
 * check below reads every production source file instead: no value import of a lazy package, only `import type`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './test/context';
import { createUser, type TestUser } from './test/factories';

const LAZY = [
  'ioredis',
  'bullmq',
  '@simplewebauthn/server',
  'web-push',
  'chrono-node',
  'nodemailer',
  'otplib',
  'openid-client',
  'ical.js',
];
const cache = createRequire(import.meta.url).cache;
/** Whether a module of the package is in this process's cache. */
const inCache = (name: string) => Object.keys(cache).some((file) => file.includes(`/node_modules/${name}/`));
/** The lazy packages with a module in the cache. */
const loaded = () => LAZY.filter(inCache);

describe('start-up without Redis', () => {
  let ctx: TestContext;
  let user: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext('pglite');
    user = await createUser(ctx.platform);
  }, 180_000);
  afterAll(async () => ctx?.close());
  const post = (url: string, payload: object) =>
    ctx.app.inject({ method: 'POST', url, headers: user.headers, payload });

  it('builds, serves a list and a create, and has loaded none of the lazy packages', async () => {
    const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: user.headers });
    expect(list.statusCode).toBe(200);
    expect((await post('/api/v1/tasks', { title: 'plain create' })).statusCode).toBe(201);
    expect(loaded()).toEqual([]);
    // The polyfill is in place before anything is served (Reflect.getMetadata is reflect-metadata's).
    expect(inCache('reflect-metadata')).toBe(true);
    expect(typeof (Reflect as unknown as Record<string, unknown>).getMetadata).toBe('function');
  });

  it('loads a lazy package with its first use (the check sees a load when one happens)', async () => {
    expect((await post('/api/v1/tasks/parse', { text: 'Call the bank tomorrow 9am' })).statusCode).toBe(200);
    expect(loaded()).toEqual(['chrono-node']);
  });

  it('loads the passkey library with the first ceremony, and that changes no global', async () => {
    const before = Object.getOwnPropertyDescriptors(Reflect);
    expect((await post('/api/v1/auth/passkeys/options', {})).statusCode).toBe(200);
    expect(loaded()).toContain('@simplewebauthn/server');
    const after = Object.getOwnPropertyDescriptors(Reflect);
    expect(Reflect.ownKeys(after)).toEqual(Reflect.ownKeys(before));
    for (const key of Reflect.ownKeys(before)) {
      const k = key as keyof typeof before;
      expect(after[k]?.value, String(key)).toBe(before[k]?.value);
    }
  });
});

/** The lazy packages a source text imports for their values (`import type` and `typeof import()` excepted). */
function eagerImports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    let specifier: ts.Expression | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(node)) {
      specifier = node.moduleSpecifier;
      const clause = node.importClause;
      const named = clause?.namedBindings;
      typeOnly = Boolean(
        clause &&
          (clause.isTypeOnly ||
            (!clause.name && named && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly))),
      );
    } else if (ts.isExportDeclaration(node)) {
      specifier = node.moduleSpecifier;
      typeOnly = node.isTypeOnly;
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      specifier = node.arguments[0]; // import('pkg') at run time (a type's `typeof import()` is another node)
    }
    if (specifier && ts.isStringLiteral(specifier) && !typeOnly) {
      const name = LAZY.find((p) => specifier.text === p || specifier.text.startsWith(`${p}/`));
      if (name) found.push(`${fileName}: ${name}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('lazy packages in the sources', () => {
  const root = path.dirname(new URL(import.meta.url).pathname);
  const production = (readdirSync(root, { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith(`test${path.sep}`) && !f.includes('fixtures'),
  );

  it('no production module imports a lazy package for its values: lazyModule loads it at first use', () => {
    expect(production.length).toBeGreaterThan(200);
    const eager = production.flatMap((f) => eagerImports(f, readFileSync(path.join(root, f), 'utf8')));
    expect(eager).toEqual([]);
  });

  it('the check sees the eager forms and lets the type-only ones through (planted)', () => {
    const planted = [
      "import nodemailer from 'nodemailer';",
      "import { verify } from 'otplib';",
      "import * as oidc from 'openid-client';",
      "export { Queue } from 'bullmq';",
      "const m = await import('ical.js');",
      "import { type Redis, Cluster } from 'ioredis';",
    ];
    for (const line of planted) expect(eagerImports('planted.ts', line), line).toHaveLength(1);
    const allowed = [
      "import type { Transporter } from 'nodemailer';",
      "import { type Redis } from 'ioredis';",
      "import type * as oidc from 'openid-client';",
      "const x = lazyModule<typeof import('otplib')>('otplib');",
      "export type { Queue } from 'bullmq';",
    ];
    for (const line of allowed) expect(eagerImports('allowed.ts', line), line).toEqual([]);
  });
});
