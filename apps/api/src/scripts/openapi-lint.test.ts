/**
 * docs/openapi.json checked by tools nobody here wrote: @apidevtools/swagger-parser validates it (the OpenAPI 3.1
 * schema, and every $ref resolves), Spectral's spectral:oas ruleset and Redocly CLI's lint find 0 errors. Each check is shown to fail
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
   * The OWASP API Security ruleset does not pass yet (string/array/integer limits on response schemas, CORS headers,
   * admin security schemes — see issue 14). The rules it does pass are held at 0 errors here, and the rest may not grow.
   */
  const OWASP_HELD = [
    'owasp:api4:2023-rate-limit',
    'owasp:api4:2023-integer-format',
    'owasp:api2:2023-jwt-best-practices',
    'invalid-ref',
  ];
  const OWASP_MAX_ERRORS = 152;

  it(`Spectral (OWASP): 0 errors of ${OWASP_HELD.join(', ')}; at most ${OWASP_MAX_ERRORS} errors in all`, async () => {
    const errors = await spectralErrors(text, owasp);
    const held = errors.filter((e) => OWASP_HELD.includes(String(e.code)));
    if (held.length > 0) expect.fail(describeErrors(held));
    expect(errors.length).toBeLessThanOrEqual(OWASP_MAX_ERRORS);
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
