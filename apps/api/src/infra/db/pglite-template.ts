/**
 * A first start on a fresh DATA_DIR used to spend most of its time in PGlite's initdb (WASM): 9–17 s here, and
 * the initdb module's memory stayed in the process. The build now writes a template — a freshly initialised,
 * fully migrated PGlite data directory as a gzip tarball (`dist/pglite-template.tgz`) — and a fresh data
 * directory starts from it (`loadDataDir`): ~1.5 s. Migrations still run at every start, so a template older
 * than the code only means more of them to apply; no template (a source checkout run through tsx) means initdb.
 */
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPglite } from './client';
import { migrationsFolder, runMigrations } from './migrate';

const TEMPLATE = 'pglite-template.tgz';

/** The template shipped next to the running bundle, if the build wrote one. */
export function pgliteTemplatePath(): string | undefined {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), TEMPLATE);
  return existsSync(file) ? file : undefined;
}

/** The installed PGlite's version (its package.json is not exported: found from its entry point). */
export function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
  }
  throw new Error('@electric-sql/pglite not found');
}

/** Write a file under a temporary name, then rename it into place: a reader never sees half of it. */
function writeAtomically(file: string, data: string | Buffer): void {
  const staging = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(staging, data);
  renameSync(staging, file);
}

/** What the template was built from: the migrations and the PGlite version. */
function fingerprint(pgliteVersion: string): string {
  const folder = migrationsFolder();
  const hash = createHash('sha256').update(pgliteVersion);
  for (const f of readdirSync(folder)
    .filter((n) => n.endsWith('.sql'))
    .sort()) {
    hash.update(f).update(readFileSync(path.join(folder, f)));
  }
  return hash.digest('hex');
}

/** Write `<dir>/pglite-template.tgz` unless one built from the same migrations is there. Returns whether it wrote. */
export async function writePgliteTemplate(dir: string, pgliteVersion: string): Promise<boolean> {
  const file = path.join(dir, TEMPLATE);
  const stamp = `${file}.sha256`;
  const want = fingerprint(pgliteVersion);
  if (existsSync(file) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return false;
  const database = await openPglite();
  try {
    await runMigrations(database);
    const pglite = database.pglite;
    if (!pglite) throw new Error('PGlite expected');
    const tarball = await pglite.dumpDataDir('gzip');
    // Atomic, because test runs started side by side may write the same template at the same time.
    writeAtomically(file, Buffer.from(await tarball.arrayBuffer()));
    writeAtomically(stamp, want);
    return true;
  } finally {
    await database.close();
  }
}
