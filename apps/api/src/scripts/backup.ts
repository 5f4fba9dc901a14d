/**
 * `npm run db:backup -- <file>` / `npm run db:restore -- <file>`: one backup file per mode.
 *
 * PostgreSQL (DATABASE_URL): `pg_dump --format=custom` of the whole database, restored with
 * `pg_restore --clean --if-exists --no-owner --single-transaction` into the database DATABASE_URL names: every
 * object the dump holds is dropped (if it exists) and recreated, in one transaction, so a failed restore leaves
 * the database as it was. Objects created after the dump and not in it stay (restore into an empty database for
 * a pristine copy). pg_dump/pg_restore must be on PATH (Debian: postgresql-client); their major version must be
 * at least the server's.
 *
 * Embedded (PGlite under DATA_DIR/pglite): the data directory as PGlite's own gzip tarball (`dumpDataDir`).
 * "With the server's consent": PGlite writes `postmaster.pid` into the directory while a process has it open
 * and removes it on a clean close, so both commands refuse while that file exists — stop the server first
 * (SIGTERM closes the database cleanly). Backup then opens the directory itself (holding it for the copy);
 * restore moves the current directory aside, unpacks the backup in its place, opens it and counts the users,
 * and only then deletes the old directory (on any failure the old one is put back).
 *
 * A maintenance script: its only SQL is that count.
 */
import { spawn } from 'node:child_process';
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Config } from '../config';
import { openPglite } from '../infra/db/client';

type BackupConfig = Pick<Config, 'databaseUrl' | 'dataDir'>;

export class BackupError extends Error {}

/** The PGlite data directory of a DATA_DIR (what openPglite opens). */
export function pgliteDir(dataDir: string): string {
  return path.resolve(dataDir, 'pglite');
}

function assertNotHeld(dir: string): void {
  if (existsSync(path.join(dir, 'postmaster.pid'))) {
    throw new BackupError(
      `${dir} is in use (postmaster.pid): stop the server first (SIGTERM). If it was killed rather than stopped, ` +
        'open and close it once (`npm run db:migrate`) so that the database is closed cleanly.',
    );
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new BackupError(`${cmd} not found on PATH: install the PostgreSQL client tools (Debian: postgresql-client)`)
          : err,
      ),
    );
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new BackupError(`${cmd} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

/** Write a backup of the configured database to `file`. */
export async function backupDatabase(config: BackupConfig, file: string): Promise<string> {
  const target = path.resolve(file);
  if (config.databaseUrl) {
    await run('pg_dump', ['--format=custom', '--file', target, '--dbname', config.databaseUrl]);
    return `pg_dump (custom format) → ${target}`;
  }
  const dir = pgliteDir(config.dataDir);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) throw new BackupError(`no PGlite database in ${dir}`);
  assertNotHeld(dir);
  const database = await openPglite(config.dataDir);
  try {
    const pglite = database.pglite;
    if (!pglite) throw new Error('PGlite expected');
    const tarball = await pglite.dumpDataDir('gzip');
    writeFileSync(target, Buffer.from(await tarball.arrayBuffer()));
  } finally {
    await database.close();
  }
  return `PGlite data directory ${dir} → ${target}`;
}

/** Replace the configured database with the backup in `file`. */
export async function restoreDatabase(config: BackupConfig, file: string): Promise<string> {
  const source = path.resolve(file);
  if (!existsSync(source) || !statSync(source).isFile()) throw new BackupError(`no backup file ${source}`);
  if (config.databaseUrl) {
    await run('pg_restore', [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--single-transaction',
      '--exit-on-error',
      '--dbname',
      config.databaseUrl,
      source,
    ]);
    return `pg_restore ${source} → DATABASE_URL`;
  }
  const dir = pgliteDir(config.dataDir);
  const aside = `${dir}.before-restore-${Date.now()}`;
  const hadOld = existsSync(dir);
  if (hadOld) {
    assertNotHeld(dir);
    renameSync(dir, aside);
  }
  try {
    // openPglite unpacks a tarball into a directory without PG_VERSION (into a sibling, renamed into place).
    const database = await openPglite(config.dataDir, source);
    try {
      await database.db.execute(sql`select count(*) from users`);
    } finally {
      await database.close();
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    if (hadOld) renameSync(aside, dir);
    throw err;
  }
  if (hadOld) rmSync(aside, { recursive: true, force: true });
  return `${source} → PGlite data directory ${dir}`;
}

/** cli: `backup <file>` / `restore <file>`. */
export async function backupCommand(kind: 'backup' | 'restore', args: string[], config: BackupConfig): Promise<number> {
  const file = args[0];
  if (!file) {
    console.error(`usage: npm run db:${kind} -- <file>`);
    return 2;
  }
  try {
    console.log(kind === 'backup' ? await backupDatabase(config, file) : await restoreDatabase(config, file));
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      console.error(`${kind}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
