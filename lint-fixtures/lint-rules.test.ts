/**
 * The module-shape lint rules (issue 12 item 5, docs/architecture.md "Module shape") fail on a deliberate violation.
 *
 * The API's layers, each importing only downwards: lib/ (bottom) <- infra/ <- plugins/ and modules/ <- platform.ts,
 * composition.ts, app.ts, server.ts, worker.ts, cli.ts (the root). lib/ never imports infra/ or plugins/; infra/
 * never imports plugins/; lib/, infra/ and plugins/ never import a module; none of them nor a module imports the
 * root; platform.ts imports neither a module nor a plugin. Tests (*.test.ts, src/test, src/security) are exempt.
 * Biome applies only the last matching override of a rule, so each noRestrictedImports override in biome.json
 * repeats every restriction for the files it matches; the cases below therefore cover each of those lists (lib,
 * infra, infra/db, plugins, platform.ts, a module's files, a module's sub-folder files, repositories at both
 * depths, and module files deeper than that).
 *
 * lint-fixtures/clean is a miniature of the monorepo (apps/api, apps/web, packages/shared, their package.json files)
 * that satisfies every rule; each lint-fixtures/violations/<case> overlays (adds or replaces) one file that breaks
 * exactly one rule. Each case is copied to a temporary folder with the repository's own biome.json (only the VCS
 * integration turned off, as the copy is not a git checkout) and linted with the installed Biome, so the test proves
 * the real configuration, path-scoped overrides included. Both folders are excluded from the repository's own
 * `biome check .` (files.includes in biome.json), which therefore never reports the planted violations.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { suiteSize } from '../apps/api/src/config';

const fixtures = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(fixtures, '..');
const biomeBin = path.join(repoRoot, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');

interface Diagnostic {
  category: string;
  message: string;
  path: string;
}

interface Case {
  rule: string;
  /** Files the diagnostics must point at (all of them, and nothing else). */
  files: string[];
  /** Tells apart the noRestrictedImports restrictions, which share one rule name. */
  message?: string;
}

const RESTRICTED = 'lint/style/noRestrictedImports';

const ROOT = 'The composition root and the entry points';
const BELOW_MODULES = 'sit below the modules and never import one';
const MODULE_PLUGIN = 'A module never imports plugins/';

const cases: Record<string, Case> = {
  'import-cycle': {
    rule: 'lint/suspicious/noImportCycles',
    files: ['apps/api/src/infra/cache/cache.ts', 'apps/api/src/infra/cache/tiered.ts'],
  },
  'schema-outside-repo': {
    rule: RESTRICTED,
    files: ['apps/api/src/modules/tasks/tasks.service.ts'],
    message: 'Only a repository',
  },
  'module-internals-from-module': {
    rule: RESTRICTED,
    files: ['apps/api/src/modules/users/users.service.ts'],
    message: 'only through its entry',
  },
  'module-internals-from-root': {
    rule: RESTRICTED,
    files: ['apps/api/src/composition.ts'],
    message: 'only through its entry',
  },
  'platform-imports-module': {
    rule: RESTRICTED,
    files: ['apps/api/src/platform.ts'],
    message: "platform.ts is the process's infrastructure only",
  },
  'platform-imports-plugin': {
    rule: RESTRICTED,
    files: ['apps/api/src/platform.ts'],
    message: "platform.ts is the process's infrastructure only",
  },
  'lib-imports-module': { rule: RESTRICTED, files: ['apps/api/src/lib/security-log.ts'], message: BELOW_MODULES },
  'lib-imports-root': { rule: RESTRICTED, files: ['apps/api/src/lib/log-context.ts'], message: ROOT },
  'lib-imports-infra': {
    rule: RESTRICTED,
    files: ['apps/api/src/lib/logger.ts'],
    message: 'lib/ is the bottom layer and never imports infra/ or plugins/',
  },
  'lib-imports-plugin': {
    rule: RESTRICTED,
    files: ['apps/api/src/lib/http.ts'],
    message: 'lib/ is the bottom layer and never imports infra/ or plugins/',
  },
  'plugin-imports-module': {
    rule: RESTRICTED,
    files: ['apps/api/src/plugins/domain-metrics.ts'],
    message: BELOW_MODULES,
  },
  'plugin-imports-root': { rule: RESTRICTED, files: ['apps/api/src/plugins/auth.ts'], message: ROOT },
  'infra-imports-module': {
    rule: RESTRICTED,
    files: ['apps/api/src/infra/crypto/reencrypt.ts'],
    message: BELOW_MODULES,
  },
  'infra-imports-root': { rule: RESTRICTED, files: ['apps/api/src/infra/events.ts'], message: ROOT },
  'infra-imports-plugin': {
    rule: RESTRICTED,
    files: ['apps/api/src/infra/ops-server.ts'],
    message: 'infra/ never imports plugins/',
  },
  'infra-db-imports-module': {
    rule: RESTRICTED,
    files: ['apps/api/src/infra/db/read-router.ts'],
    message: BELOW_MODULES,
  },
  'module-imports-plugin': {
    rule: RESTRICTED,
    files: ['apps/api/src/modules/tasks/tasks.writes.ts'],
    message: MODULE_PLUGIN,
  },
  'module-imports-root': { rule: RESTRICTED, files: ['apps/api/src/modules/users/users.service.ts'], message: ROOT },
  'module-repo-imports-plugin': {
    rule: RESTRICTED,
    files: ['apps/api/src/modules/tasks/tasks.repo.ts'],
    message: MODULE_PLUGIN,
  },
  'module-subfolder-imports-root': {
    rule: RESTRICTED,
    files: ['apps/api/src/modules/tasks/search/tasks.search.ts'],
    message: ROOT,
  },
  'module-subfolder-repo-imports-plugin': {
    rule: RESTRICTED,
    files: ['apps/api/src/modules/tasks/search/tasks.search.repo.ts'],
    message: MODULE_PLUGIN,
  },
  'module-deep-imports-plugin': {
    rule: RESTRICTED,
    files: ['apps/api/src/modules/tasks/search/ranking/tasks.rank.ts'],
    message: MODULE_PLUGIN,
  },
  'web-imports-api': { rule: RESTRICTED, files: ['apps/web/src/lib/api-client.ts'], message: 'Apps never import' },
  'api-imports-web': { rule: RESTRICTED, files: ['apps/api/src/lib/clock.ts'], message: 'Apps never import' },
  'web-lib-imports-feature': {
    rule: RESTRICTED,
    files: ['apps/web/src/lib/format.ts'],
    message: 'src/lib and src/components never import',
  },
  'web-component-imports-app': {
    rule: RESTRICTED,
    files: ['apps/web/src/components/ui/nav.tsx'],
    message: 'src/lib and src/components never import',
  },
  'web-feature-imports-feature': {
    rule: RESTRICTED,
    files: ['apps/web/src/features/profile/profile-page.tsx'],
    message: 'A feature never imports another feature',
  },
  'barrel-file': { rule: 'lint/performance/noBarrelFile', files: ['apps/api/src/infra/cache/index.ts'] },
  're-export-all': { rule: 'lint/performance/noReExportAll', files: ['apps/api/src/modules/tasks/index.ts'] },
  'undeclared-dependency': {
    rule: 'lint/correctness/noUndeclaredDependencies',
    files: ['apps/api/src/modules/tasks/tasks.service.ts'],
  },
};

/**
 * The cases linted (one Biome run each): all of them in CI (suiteSize, issue 14 item 7); in a developer's
 * `npm test`, the first case of each distinct rule and message — every rule and every restriction still fails on a
 * planted violation, while the remaining cases (the same restriction reached through another path-scoped override
 * list) run in CI. The order puts those first cases ahead, so the local run is a prefix of CI's.
 */
const firstOfEach = new Map<string, string>();
for (const [name, c] of Object.entries(cases)) {
  const key = `${c.rule}|${c.message ?? ''}`;
  if (!firstOfEach.has(key)) firstOfEach.set(key, name);
}
const ordered = [
  ...firstOfEach.values(),
  ...Object.keys(cases).filter((name) => ![...firstOfEach.values()].includes(name)),
];
const linted = ordered.slice(0, suiteSize(ordered.length, firstOfEach.size));

const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

/** The repository's biome.json, as used on the repository, minus what only makes sense in a git checkout. */
function fixtureConfig(): string {
  const config = JSON.parse(readFileSync(path.join(repoRoot, 'biome.json'), 'utf8'));
  delete config.$schema;
  config.vcs = { enabled: false };
  return JSON.stringify(config, null, 2);
}

function lint(violation?: string): { status: number | null; diagnostics: Diagnostic[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lint-fixture-'));
  workDirs.push(dir);
  cpSync(path.join(fixtures, 'clean'), dir, { recursive: true });
  if (violation) cpSync(path.join(fixtures, 'violations', violation), dir, { recursive: true, force: true });
  writeFileSync(path.join(dir, 'biome.json'), fixtureConfig());
  const run = spawnSync(process.execPath, [biomeBin, 'lint', '--reporter=json', '--max-diagnostics=none', '.'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  let report: { diagnostics: Array<{ category: string; message: string; location?: { path?: string } }> };
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(`biome printed no JSON report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  const diagnostics = report.diagnostics.map((d) => ({
    category: d.category,
    message: d.message,
    path: (d.location?.path ?? '').split(path.sep).join('/'),
  }));
  return { status: run.status, diagnostics };
}

describe('lint fixture: the module-shape rules', () => {
  it('every violation case is listed here, and every listed case exists', () => {
    expect(readdirSync(path.join(fixtures, 'violations')).sort()).toEqual(Object.keys(cases).sort());
  });

  it('the repository lint skips the fixture trees', () => {
    const includes: string[] = JSON.parse(readFileSync(path.join(repoRoot, 'biome.json'), 'utf8')).files.includes;
    expect(includes).toEqual(expect.arrayContaining(['!lint-fixtures/clean', '!lint-fixtures/violations']));
  });

  it('the clean tree passes: allowed forms (entries, repositories, Row types, downward layer imports, tests, scripts, schema index)', () => {
    const { status, diagnostics } = lint();
    expect(diagnostics).toEqual([]);
    expect(status).toBe(0);
  });

  for (const name of linted) {
    const expected = cases[name] as Case;
    it(`${name}: fails on ${expected.rule.split('/').pop()}`, () => {
      const { status, diagnostics } = lint(name);
      expect(status).not.toBe(0);
      expect(diagnostics.length).toBeGreaterThan(0);
      for (const d of diagnostics) {
        expect(d.category, `${d.path}: ${d.message}`).toBe(expected.rule);
        if (expected.message) expect(d.message).toContain(expected.message);
      }
      expect([...new Set(diagnostics.map((d) => d.path))].sort()).toEqual([...expected.files].sort());
    });
  }
});
