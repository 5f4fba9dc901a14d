// scripts/build-if-needed.mjs (npm start's prestart) on a miniature checkout: it builds when there is no build,
// skips when the sources are unchanged, and builds again after a source, a migration or the lockfile changes
// (and not after a test file changes). The "build" is a command that counts its runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../../../scripts/build-if-needed.mjs', import.meta.url));
const root = mkdtempSync(path.join(tmpdir(), 'pt-build-skip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function put(rel: string, text: string) {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}
// The fake build writes the outputs and appends a line per run.
const BUILD = `node -e "const f=require('fs');f.mkdirSync('apps/api/dist',{recursive:true});f.mkdirSync('apps/web/dist',{recursive:true});f.writeFileSync('apps/api/dist/server.js','');f.writeFileSync('apps/web/dist/index.html','');f.appendFileSync('builds.log','x')"`;
const builds = () =>
  existsSync(path.join(root, 'builds.log')) ? readFileSync(path.join(root, 'builds.log'), 'utf8').length : 0;
const start = () => execFileSync(process.execPath, [SCRIPT, '--root', root, '--command', BUILD], { encoding: 'utf8' });
const dryRun = () => spawnSync(process.execPath, [SCRIPT, '--root', root, '--dry-run'], { encoding: 'utf8' }).status;

put('package.json', '{}');
put('package-lock.json', '{"lockfileVersion":3}');
put('apps/api/src/server.ts', 'export const a = 1;\n');
put('apps/api/src/server.test.ts', 'test\n');
put('apps/api/drizzle/0000_init.sql', 'create table t ();\n');
put('apps/web/src/main.tsx', 'export {};\n');
put('packages/shared/src/index.ts', 'export {};\n');

describe('npm start builds only when the build inputs changed', () => {
  it('builds the first time (no dist, no stamp)', () => {
    expect(dryRun()).toBe(10);
    expect(start()).toMatch(/missing; building/);
    expect(builds()).toBe(1);
  });

  it('skips when nothing changed, even when mtimes moved (a fresh checkout)', () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'apps/api/src/server.ts'), later, later);
    expect(dryRun()).toBe(0);
    expect(start()).toMatch(/up to date/);
    expect(builds()).toBe(1);
  });

  it('skips when only a test file changed', () => {
    put('apps/api/src/server.test.ts', 'test changed\n');
    expect(start()).toMatch(/up to date/);
    expect(builds()).toBe(1);
  });

  it.each([
    ['an API source', 'apps/api/src/server.ts', 'export const a = 2;\n'],
    ['a web source', 'apps/web/src/main.tsx', 'export const b = 1;\n'],
    ['the shared contract', 'packages/shared/src/index.ts', 'export const c = 1;\n'],
    ['a migration', 'apps/api/drizzle/0001_next.sql', 'alter table t add column x int;\n'],
    ['the lockfile', 'package-lock.json', '{"lockfileVersion":3,"x":1}'],
  ])('builds again after %s changes, then skips', (_what, rel, text) => {
    const before = builds();
    put(rel, text);
    expect(dryRun()).toBe(10);
    expect(start()).toMatch(/sources changed; building/);
    expect(builds()).toBe(before + 1);
    expect(start()).toMatch(/up to date/);
    expect(builds()).toBe(before + 1);
  });

  it('builds again when the output was wiped, and does not stamp a failed build', () => {
    rmSync(path.join(root, 'apps/web/dist'), { recursive: true });
    expect(dryRun()).toBe(10);
    put('apps/api/src/server.ts', 'export const a = 3;\n');
    const failed = spawnSync(process.execPath, [SCRIPT, '--root', root, '--command', 'node -e "process.exit(3)"']);
    expect(failed.status).toBe(3);
    expect(dryRun()).toBe(10);
    start();
    expect(dryRun()).toBe(0);
  });
});
