/**
 * Build step (apps/api/build.mjs): `node dist/pglite-template.js <dir>` writes the migrated PGlite data-directory
 * template into <dir> unless an up-to-date one is there. See infra/db/pglite-template.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { writePgliteTemplate } from '../infra/db/pglite-template';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: pglite-template <dir>');
  process.exit(2);
}
/** The installed PGlite's version (its package.json is not exported: found from its entry point). */
function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
  }
  throw new Error('@electric-sql/pglite not found');
}
const version = pgliteVersion();
const started = performance.now();
const wrote = await writePgliteTemplate(dir, version);
console.log(
  wrote
    ? `pglite template written in ${((performance.now() - started) / 1000).toFixed(1)} s`
    : 'pglite template up to date',
);
