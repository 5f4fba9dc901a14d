// .env.example is generated from the config schema: the committed file must be what `npm run env:example` writes,
// and a variable added to (or a default changed in) the schema without regenerating is caught.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { CONFIG_PATH, ENV_EXAMPLE_PATH, renderEnvExample, variablesOf } from '../../../../scripts/env-example';

const source = readFileSync(CONFIG_PATH, 'utf8');

describe('.env.example', () => {
  it('is what `npm run env:example` writes from the config schema', () => {
    expect(readFileSync(ENV_EXAMPLE_PATH, 'utf8'), 'stale: run `npm run env:example`').toBe(renderEnvExample(source));
  });

  it('names every variable loadConfig validates, with defaults loadConfig accepts', () => {
    const vars = variablesOf(source);
    expect(vars.map((v) => v.name)).toContain('DATABASE_URL');
    // Each documented default, set explicitly, loads (a default that is not a valid value would throw here).
    const env = Object.fromEntries(vars.filter((v) => v.fallback !== undefined).map((v) => [v.name, v.fallback]));
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('differs from the committed file when the schema gains a variable or changes a default (planted)', () => {
    const committed = readFileSync(ENV_EXAMPLE_PATH, 'utf8');
    const added = source.replace('const envSchema = z.object({', 'const envSchema = z.object({\n  PLANTED: int(1, 2),');
    expect(renderEnvExample(added)).not.toBe(committed);
    expect(renderEnvExample(added)).toContain('# PLANTED=\n');
    const changed = source.replace(
      "DATA_DIR: z.string().min(1).default('./.data')",
      "DATA_DIR: z.string().min(1).default('./elsewhere')",
    );
    expect(changed).not.toBe(source);
    expect(renderEnvExample(changed)).toContain('# DATA_DIR=./elsewhere\n');
    expect(renderEnvExample(changed)).not.toBe(committed);
  });
});
