/**
 * npm test runs the node test files without isolation (vitest.config.ts, project `node`: one module graph per
 * worker, shared by the files it runs one after another). A file that replaces a module or a global for the files
 * after it — vi.mock / vi.doMock / vi.stubGlobal / vi.stubEnv — must be in the config's ISOLATED list, which runs it
 * in a fresh graph. This test finds every such node file and checks that it is listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const NODE_DIRS = ['apps/api/src', 'packages', 'deploy', 'bench'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage']);

/** Whether a test source changes module or global state beyond its own file. */
export function leaksState(source: string): boolean {
  return /\bvi\.(mock|doMock|stubGlobal|stubEnv)\(/.test(source);
}

/** The ISOLATED list of vitest.config.ts, read as text. */
export function isolatedList(configSource: string): string[] {
  const block = /const ISOLATED = \[([\s\S]*?)\];/.exec(configSource)?.[1] ?? '';
  return [...block.matchAll(/'([^']+\.test\.tsx?)'/g)].map((m) => m[1] as string);
}

function testFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) testFiles(path.join(dir, entry.name), out);
    } else if (/\.test\.ts$/.test(entry.name) && !entry.name.endsWith('.cluster.test.ts')) {
      out.push(path.join(dir, entry.name));
    }
  }
  return out;
}

describe('npm test without isolation: files that leak state run isolated', () => {
  it('finds a planted vi.mock that is not in the list', () => {
    expect(leaksState("vi.mock('./tasks.outbox.repo', async () => ({}));")).toBe(true);
    expect(leaksState("vi.stubGlobal('fetch', fake);")).toBe(true);
    expect(leaksState('vi.fn(); vi.useFakeTimers();')).toBe(false);
    const list = isolatedList("const ISOLATED = [\n  // why\n  'apps/api/src/a.test.ts',\n];");
    expect(list).toEqual(['apps/api/src/a.test.ts']);
    expect(list).not.toContain('apps/api/src/b.test.ts');
  });

  it('every node test file that mocks a module or stubs a global is in vitest.config.ts ISOLATED', () => {
    const isolated = isolatedList(readFileSync(path.join(ROOT, 'vitest.config.ts'), 'utf8'));
    expect(isolated.length).toBeGreaterThan(0);
    const self = fileURLToPath(import.meta.url);
    const files = NODE_DIRS.flatMap((d) => testFiles(path.join(ROOT, d))).filter((f) => f !== self);
    expect(files.length).toBeGreaterThan(50);
    const leaking = files.filter((f) => leaksState(readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
    expect(leaking.length).toBeGreaterThan(0);
    expect(leaking.filter((f) => !isolated.includes(f))).toEqual([]);
  });
});
