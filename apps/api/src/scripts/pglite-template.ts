/**
 * Build step (apps/api/build.mjs): `node dist/pglite-template.js <dir>` writes the migrated PGlite data-directory
 * template into <dir> unless an up-to-date one is there. See infra/db/pglite-template.ts.
 */
import { pgliteVersion, writePgliteTemplate } from '../infra/db/pglite-template';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: pglite-template <dir>');
  process.exit(2);
}
const version = pgliteVersion();
const started = performance.now();
const wrote = await writePgliteTemplate(dir, version);
console.log(
  wrote
    ? `pglite template written in ${((performance.now() - started) / 1000).toFixed(1)} s`
    : 'pglite template up to date',
);
