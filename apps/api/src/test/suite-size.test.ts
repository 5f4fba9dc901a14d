/**
 * The slow suites' sizes (issue 14 item 7; docs/performance.md "The test suite's own time"): CI (CI=true) runs them
 * at full size, a developer's `npm test` at a smaller one, and the choice is made in one place — suiteSize in
 * config.ts. This file keeps that honest: no test file reads CI on its own (a hard-coded `process.env.CI ? … : …`
 * would escape the rule), and each suite listed as slow still takes its size from suiteSize, so a later edit cannot
 * shrink it for CI too by writing a small literal instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { suiteSize } from '../config';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The suites whose size differs between CI and a local run (keep in step with docs/performance.md). */
const SLOW_SUITES = [
  'apps/api/src/security/fuzz.test.ts',
  'apps/api/src/modules/tasks/tasks.import.test.ts',
  'lint-fixtures/lint-rules.test.ts',
  'apps/api/src/modules/projects/projects.matrix.test.ts',
];

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'clean', 'violations', 'coverage']);

function testFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) testFiles(path.join(dir, entry.name), out);
    } else if (/\.test\.tsx?$/.test(entry.name)) out.push(path.join(dir, entry.name));
  }
  return out;
}

/** Where a source reads the CI variable itself instead of through suiteSize. */
function readsCi(source: string): boolean {
  return /\bprocess\.env(\.CI\b|\[\s*['"`]CI['"`]\s*\])|\b(TEST_FULL_SIZE)\b/.test(source);
}

describe('suiteSize: CI runs the slow suites at full size', () => {
  it('is the full size with CI=true or CI=1 (or TEST_FULL_SIZE=1), the local one otherwise, never above full', () => {
    expect(suiteSize(10_000, 2_500, { CI: 'true' })).toBe(10_000);
    expect(suiteSize(10_000, 2_500, { CI: '1' })).toBe(10_000);
    expect(suiteSize(10_000, 2_500, { TEST_FULL_SIZE: '1' })).toBe(10_000);
    expect(suiteSize(10_000, 2_500, {})).toBe(2_500);
    expect(suiteSize(10_000, 2_500, { CI: 'false' })).toBe(2_500);
    expect(suiteSize(10, 50, {})).toBe(10);
  });

  it('no test file reads CI itself (the check catches a planted `process.env.CI ? 10_000 : 100`)', () => {
    expect(readsCi('const N = process.env.CI ? 10_000 : 100;')).toBe(true);
    expect(readsCi("const N = process.env['CI'] === 'true' ? 10_000 : 100;")).toBe(true);
    expect(readsCi('const N = suiteSize(10_000, 100);')).toBe(false);
    const dirs = ['apps', 'packages', 'deploy', 'bench', 'lint-fixtures', 'scripts', 'e2e'];
    const files = dirs.flatMap((d) => {
      try {
        return testFiles(path.join(ROOT, d));
      } catch {
        return [];
      }
    });
    expect(files.length).toBeGreaterThan(100);
    const self = fileURLToPath(import.meta.url);
    const offenders = files
      .filter((f) => f !== self && readsCi(readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it.each(SLOW_SUITES)('%s takes its size from suiteSize', (file) => {
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    expect(source).toMatch(/\bsuiteSize\(/);
  });
});
