/**
 * Vitest global setup (npm test and test:cluster): writes the migrated PGlite template the integration tests open
 * their in-memory databases from (test/context.ts), once per change of the migrations — it is kept under
 * node_modules/.cache and rebuilt when its fingerprint (the migrations and the PGlite version) changes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgliteVersion, writePgliteTemplate } from '../infra/db/pglite-template';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export default async function setup(): Promise<void> {
  const dir = path.join(ROOT, 'node_modules/.cache/primetrade-tests');
  mkdirSync(dir, { recursive: true });
  await writePgliteTemplate(dir, pgliteVersion());
  // The test processes are forked after this and inherit it; testConfig() reads it.
  process.env.TEST_PGLITE_TEMPLATE = path.join(dir, 'pglite-template.tgz');
}
