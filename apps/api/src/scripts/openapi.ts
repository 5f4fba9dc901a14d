/**
 * `npm run openapi` writes docs/openapi.json: the document the API serves at GET /api/v1/openapi.json
 * (@fastify/swagger over the routes' zod schemas), taken from an app built on in-memory PGlite. Object keys are
 * sorted and `servers` is a fixed URL, so the file depends on the code only — not on the environment, nor on the
 * order in which routes happen to be registered.
 *
 * `npm run openapi:check` exits 1 when the committed file differs from a fresh generation; openapi.test.ts runs
 * the same gate in `npm test`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestContext } from '../test/context';
import { jsonDiff, sortKeys } from './json-diff';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The committed document, relative to the repository root. */
export const OPENAPI_FILE = 'docs/openapi.json';
/** `servers[0].url` in the committed document (the served one says the deployment's APP_URL). */
export const OPENAPI_SERVER_URL = 'http://localhost:3000';
export const OPENAPI_FIX = 'run npm run openapi';

/** The document as the file holds it: keys sorted, two-space indent, a final newline. */
export async function generateOpenapi(): Promise<string> {
  const ctx = await createTestContext('pglite', { config: { appUrl: OPENAPI_SERVER_URL } });
  try {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    if (res.statusCode !== 200) {
      throw new Error(`GET /api/v1/openapi.json answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    }
    return `${JSON.stringify(sortKeys(res.json()), null, 2)}\n`;
  } finally {
    await ctx.close();
  }
}

/** The committed file's text, or undefined when there is none. */
export function readCommittedOpenapi(file = path.join(ROOT, OPENAPI_FILE)): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** undefined when `committed` is exactly `generated`; otherwise the gate's message, with where they differ. */
export function openapiDrift(committed: string | undefined, generated: string, maxLines = 20): string | undefined {
  if (committed === generated) return undefined;
  if (committed === undefined) return `${OPENAPI_FILE} is missing: ${OPENAPI_FIX}`;
  let details: string[];
  try {
    details = jsonDiff(JSON.parse(committed), JSON.parse(generated), {
      expected: 'the committed file',
      actual: 'the generated document',
    });
  } catch {
    details = ['the committed file is not valid JSON'];
  }
  if (details.length === 0) details = ['same content, but not in the generated key order or formatting'];
  const shown = details.slice(0, maxLines).map((line) => `  ${line}`);
  if (details.length > maxLines) shown.push(`  ... and ${details.length - maxLines} more`);
  return [`${OPENAPI_FILE} is stale: ${OPENAPI_FIX}`, ...shown].join('\n');
}

async function main(args: string[]): Promise<number> {
  const generated = await generateOpenapi();
  if (args.includes('--check')) {
    const drift = openapiDrift(readCommittedOpenapi(), generated);
    if (drift) {
      console.error(drift);
      return 1;
    }
    console.log(`${OPENAPI_FILE} is up to date`);
    return 0;
  }
  writeFileSync(path.join(ROOT, OPENAPI_FILE), generated);
  console.log(`wrote ${OPENAPI_FILE} (${Buffer.byteLength(generated)} bytes)`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
