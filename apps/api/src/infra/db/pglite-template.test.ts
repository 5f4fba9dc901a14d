import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from './client';
import { runMigrations } from './migrate';
import { writePgliteTemplate } from './pglite-template';

describe('PGlite data-directory template', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is written once per set of migrations, and a fresh data directory starts from it fully migrated', async () => {
    expect(await writePgliteTemplate(dir, 'test')).toBe(true);
    expect(await writePgliteTemplate(dir, 'test')).toBe(false);
    const template = path.join(dir, 'pglite-template.tgz');
    const dataDir = path.join(dir, 'data');
    // What a crash during an earlier first start could leave: a directory without PG_VERSION.
    mkdirSync(path.join(dataDir, 'pglite'), { recursive: true });
    writeFileSync(path.join(dataDir, 'pglite', 'leftover'), 'x');
    const database = await openPglite(dataDir, template);
    // Unpacked on disk and renamed into place: no staging directory, nothing left over.
    expect(readdirSync(dataDir)).toEqual(['pglite']);
    expect(existsSync(path.join(dataDir, 'pglite', 'leftover'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    try {
      const applied = (await database.db.execute(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      )) as unknown as { rows: Array<{ n: number }> };
      expect(applied.rows[0]?.n).toBeGreaterThanOrEqual(8);
      await runMigrations(database); // nothing left to apply
      await database.db.execute(
        sql`insert into users (email, name, password_hash) values ('t@example.test', 't', 'x')`,
      );
    } finally {
      await database.close();
    }
    // A second start uses the directory as it is (the template is only for a fresh one).
    const again = await openPglite(dataDir, template);
    try {
      const users = (await again.db.execute(sql`select count(*)::int as n from users`)) as unknown as {
        rows: Array<{ n: number }>;
      };
      expect(users.rows[0]?.n).toBe(1);
    } finally {
      await again.close();
    }
  });
});
