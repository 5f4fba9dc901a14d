/**
 * Drift gate for docs/openapi.json (see openapi.ts): the committed file must be exactly what the code generates,
 * and the gate is shown to fail on a planted drift every run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sortKeys } from './json-diff';
import { generateOpenapi, OPENAPI_FILE, OPENAPI_SERVER_URL, openapiDrift, readCommittedOpenapi } from './openapi';

describe(`drift gate: ${OPENAPI_FILE}`, () => {
  let generated: string;
  const tmp = mkdtempSync(path.join(tmpdir(), 'openapi-drift-'));
  beforeAll(async () => {
    generated = await generateOpenapi();
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('the committed file is what the code generates', () => {
    const drift = openapiDrift(readCommittedOpenapi(), generated);
    if (drift) expect.fail(drift);
  });

  it('the generation depends on the code only: sorted keys, a fixed servers URL, two-space JSON and a newline', () => {
    const doc = JSON.parse(generated);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers.map((server: { url: string }) => server.url)).toEqual([OPENAPI_SERVER_URL]);
    expect(generated).toBe(`${JSON.stringify(sortKeys(doc), null, 2)}\n`);
  });

  it('fails on a planted drift: a copy of the document with a route gone and a field changed', () => {
    const doc = JSON.parse(generated);
    const route = Object.keys(doc.paths)[0] as string;
    delete doc.paths[route];
    doc.info.version = '0.0.0-planted';
    const file = path.join(tmp, 'openapi.json');
    writeFileSync(file, `${JSON.stringify(sortKeys(doc), null, 2)}\n`);

    const drift = openapiDrift(readCommittedOpenapi(file), generated);
    expect(drift?.split('\n')).toEqual([
      'docs/openapi.json is stale: run npm run openapi',
      '  .info.version: "0.0.0-planted" → "1.0.0"',
      `  .paths[${JSON.stringify(route)}]: only in the generated document`,
    ]);
  });

  it('fails when only the key order or formatting differs, and when the file is missing', () => {
    const compact = JSON.stringify(JSON.parse(generated));
    expect(openapiDrift(compact, generated)).toBe(
      'docs/openapi.json is stale: run npm run openapi\n  same content, but not in the generated key order or formatting',
    );
    expect(openapiDrift(readCommittedOpenapi(path.join(tmp, 'absent.json')), generated)).toBe(
      'docs/openapi.json is missing: run npm run openapi',
    );
  });
});
