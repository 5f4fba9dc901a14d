/**
 * docs/openapi.json checked by tools nobody here wrote: @apidevtools/swagger-parser validates it (the OpenAPI 3.1
 * schema, and every $ref resolves), Spectral's spectral:oas ruleset, the OWASP API Security ruleset (a few named
 * exemptions, each with its reason) and Redocly CLI's lint find 0 errors. Each check is shown to fail
 * on a planted fault in a copy of the document every run. openapi.test.ts keeps the file equal to what the code
 * generates, so these checks hold for the served document too.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Document, type ISpectralDiagnostic, Spectral } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import owasp from '@stoplight/spectral-owasp-ruleset';
import { oas } from '@stoplight/spectral-rulesets';
import { afterAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from './openapi';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const text = readFileSync(path.join(ROOT, OPENAPI_FILE), 'utf8');

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
};

async function swaggerParserErrors(doc: unknown): Promise<string | undefined> {
  try {
    await SwaggerParser.validate(structuredClone(doc) as never);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const ERROR = 0;
async function spectralErrors(json: string, ruleset: unknown = oas): Promise<ISpectralDiagnostic[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[ruleset as never, 'recommended']] });
  const results = await spectral.run(new Document(json, Json, OPENAPI_FILE));
  return results.filter((r) => r.severity === ERROR);
}
const describeErrors = (errors: ISpectralDiagnostic[]) =>
  errors.map((e) => `${e.code} at ${e.path.join('.')}: ${e.message}`).join('\n');

/** A copy of the document with the first response that names a component pointing at one that does not exist. */
function withBrokenRef(): Doc {
  const doc = JSON.parse(text) as Doc;
  for (const operations of Object.values(doc.paths)) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        const media = Object.values(response.content ?? {})[0];
        if (media && JSON.stringify(media.schema).includes('#/components/schemas/')) {
          media.schema = { $ref: '#/components/schemas/PlantedMissing' };
          return doc;
        }
      }
    }
  }
  throw new Error('no response refers to a component');
}

describe(`${OPENAPI_FILE} validates`, () => {
  it('swagger-parser: valid, every $ref resolves', async () => {
    expect(await swaggerParserErrors(JSON.parse(text))).toBeUndefined();
  });

  it('swagger-parser fails on a planted $ref to a missing component', async () => {
    expect(await swaggerParserErrors(withBrokenRef())).toMatch(/PlantedMissing/);
  });

  it('Spectral (spectral:oas): 0 errors', async () => {
    const errors = await spectralErrors(text);
    if (errors.length > 0) expect.fail(describeErrors(errors));
  });

  it('Spectral fails on the same planted $ref', async () => {
    const errors = await spectralErrors(JSON.stringify(withBrokenRef()));
    expect(errors.map((e) => e.code)).toContain('invalid-ref');
  });

  /**
   * The OWASP API Security ruleset (recommended): 0 errors, apart from these — each a rule that does not apply to
   * one place, said why. Every exemption must still match a diagnostic (a stale one fails), and matches only the
   * places it names.
   */
  const AUTH_WRITES = [
    'register',
    'login',
    'refresh',
    'logout',
    'forgot-password',
    'reset-password',
    'verify-email',
    'mfa/verify',
    'passkeys/login/options',
    'passkeys/login',
  ];
  const OWASP_EXEMPT: { code: string; at: string[]; why: string }[] = [
    {
      code: 'owasp:api2:2023-no-credentials-in-url',
      at: ['paths./api/v1/calendar/{token}.ics.get.parameters.1.name'],
      why:
        'an iCal subscription URL is the credential by design: calendar apps poll a plain URL and send no header. ' +
        'The token is 256 random bits stored hashed, read-only, rotatable and revocable (docs/api/calendar.md)',
    },
    {
      code: 'owasp:api2:2023-write-restricted',
      at: AUTH_WRITES.map((name) => `paths./api/v1/auth/${name}.post.security`),
      why:
        'the sign-up and sign-in routes are how a client gets a token, so they cannot require one (refresh and ' +
        'logout take the refresh token itself, in the body or its cookie); login, register and forgot-password have ' +
        'their own per-client limits (auth-limits.ts); mfa/verify is the second sign-in step, its credential is the ' +
        'short-lived single-use challenge from login (in the body), like login it cannot require a token; ' +
        'passkeys/login/options and passkeys/login are the passkey sign-in (a WebAuthn assertion is the credential)',
    },
    {
      code: 'owasp:api8:2023-no-server-http',
      at: ['servers.0.url'],
      why:
        'the committed document names the local development server (http://localhost:3000); a deployment serves ' +
        'its own APP_URL (https in production)',
    },
    {
      code: 'owasp:api4:2023-string-limit',
      at: [
        'paths./api/v1/events.get.responses.200.content.text/event-stream.schema',
        'paths./api/v1/tasks/export.get.responses.200.content.text/csv.schema',
        'paths./api/v1/calendar/{token}.ics.get.responses.200.content.text/calendar.schema',
      ],
      why:
        'a stream and a file download: the event stream stays open for as long as the client listens, and the ' +
        "export is all of the signed-in user's own tasks, streamed in batches; neither has a length to state",
    },
    {
      code: 'owasp:api4:2023-array-limit',
      at: ['paths./api/v1/tasks/export.get.responses.200.content.application/json.schema'],
      why: "the export's JSON form: every task of the signed-in user, streamed in batches (the same file as the CSV)",
    },
  ];
  const exempt = (e: ISpectralDiagnostic) =>
    OWASP_EXEMPT.some((x) => x.code === e.code && x.at.includes(e.path.join('.')));

  it(`Spectral (OWASP): 0 errors, ${OWASP_EXEMPT.length} rules exempted at named places`, async () => {
    const errors = await spectralErrors(text, owasp);
    const left = errors.filter((e) => !exempt(e));
    if (left.length > 0) expect.fail(`${left.length} OWASP errors:\n${describeErrors(left)}`);
    const matched = new Set(errors.map((e) => `${e.code} ${e.path.join('.')}`));
    const stale = OWASP_EXEMPT.flatMap((x) => x.at.map((at) => `${x.code} ${at}`)).filter((k) => !matched.has(k));
    expect(stale, 'exemptions that no longer match an error: remove them').toEqual([]);
  });

  it('Spectral (OWASP) fails on planted faults: an unbounded answer string, an admin route secured like the rest', async () => {
    const doc = JSON.parse(text) as Doc & {
      components: { schemas: Record<string, { properties: Record<string, { maxLength?: number }> }> };
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    const title = doc.components.schemas.Task?.properties.title;
    if (!title) throw new Error('Task has no title');
    delete title.maxLength;
    const admin = doc.paths['/api/v1/admin/stats']?.get;
    if (!admin) throw new Error('no GET /api/v1/admin/stats');
    admin.security = [{ bearerAuth: [] }, { cookieAuth: [] }];
    const errors = (await spectralErrors(JSON.stringify(doc), owasp)).filter((e) => !exempt(e));
    expect(errors.map((e) => `${e.code} ${e.path.join('.')}`)).toEqual(
      expect.arrayContaining([
        'owasp:api4:2023-string-limit components.schemas.Task.properties.title',
        'owasp:api5:2023-admin-security-unique paths./api/v1/admin/stats.get.security.0',
      ]),
    );
  });

  it('Spectral (OWASP) fails on a success answer planted without its RateLimit headers', async () => {
    const doc = JSON.parse(text) as Doc & {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
    };
    const ok = doc.paths['/api/v1/tasks']?.get?.responses['200'];
    if (!ok) throw new Error('GET /api/v1/tasks has no 200');
    delete ok.headers;
    const errors = await spectralErrors(JSON.stringify(doc), owasp);
    expect(errors.map((e) => `${e.code} ${e.path.slice(0, 5).join('.')}`)).toContain(
      'owasp:api4:2023-rate-limit paths./api/v1/tasks.get.responses.200',
    );
  });

  /** Redocly CLI's `lint` (its recommended rules) on a file: exit status and the last lines of its report. */
  async function redoclyLint(file: string): Promise<{ ok: boolean; report: string }> {
    const bin = path.join(ROOT, 'node_modules/.bin/redocly');
    try {
      const { stdout, stderr } = await promisify(execFile)(bin, ['lint', file, '--format=stylish'], { cwd: ROOT });
      return { ok: true, report: `${stdout}${stderr}` };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return { ok: false, report: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'openapi-lint-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('Redocly lint: 0 errors', async () => {
    const { ok, report } = await redoclyLint(path.join(ROOT, OPENAPI_FILE));
    if (!ok) expect.fail(report);
    expect(report).toMatch(/is valid/);
  });

  it('Redocly lint fails on the planted $ref', async () => {
    const file = path.join(tmp, 'openapi.json');
    writeFileSync(file, JSON.stringify(withBrokenRef()));
    const { ok, report } = await redoclyLint(file);
    expect(ok).toBe(false);
    expect(report).toMatch(/error +no-unresolved-refs/);
  });
});
