#!/usr/bin/env node
// `npm start`'s prestart: builds the web app and the API only when their inputs changed since the last successful
// build. The inputs (sources, migrations, build configs, package manifests and the lockfile) are hashed by content;
// the hash is written to apps/api/dist/.build-stamp after `npm run build` succeeds, so a missing or wiped dist, a
// failed build or any changed input builds again, and an unchanged tree starts at once.
//
//   node scripts/build-if-needed.mjs [--root <dir>] [--dry-run] [--command "<build command>"]
//
// --dry-run only prints the decision (exit 0: up to date, exit 10: would build). By default the web app and the
// API build side by side (independent outputs; the API's PGlite template is the long pole of a first build).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build reads. Directories are walked; *.test.* files and test/ folders do not change the build. */
export const INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'packages/shared/src',
  'packages/shared/package.json',
  'apps/api/src',
  'apps/api/drizzle',
  'apps/api/build.mjs',
  'apps/api/package.json',
  'apps/api/tsconfig.json',
  'apps/web/src',
  'apps/web/public',
  'apps/web/scripts',
  'apps/web/index.html',
  'apps/web/package.json',
  'apps/web/tsconfig.json',
  'apps/web/vite.config.ts',
];

/** What a successful build leaves; when any is missing the build runs whatever the stamp says. */
export const OUTPUTS = ['apps/api/dist/server.js', 'apps/web/dist/index.html'];

export const STAMP = 'apps/api/dist/.build-stamp';

const isTestPath = (rel) => /\.test\.[cm]?[jt]sx?$/.test(rel) || rel.split('/').includes('test');

function walk(root, rel, out) {
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return;
  if (statSync(abs).isDirectory()) {
    for (const name of readdirSync(abs).sort()) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      walk(root, `${rel}/${name}`, out);
    }
  } else if (!isTestPath(rel)) {
    out.push(rel);
  }
}

/** A content hash of every build input under `root` (paths included, so a rename or deletion counts). */
export function fingerprint(root) {
  const files = [];
  for (const input of INPUTS) walk(root, input, files);
  const hash = createHash('sha256');
  hash.update(`node ${process.versions.modules}\n`); // a different Node ABI rebuilds (the PGlite template)
  for (const rel of files) {
    hash.update(`${rel}\0`);
    hash.update(readFileSync(path.join(root, rel)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** `{ build: false }` when the stamp matches the inputs and the outputs exist; else `{ build: true, reason }`. */
export function decide(root) {
  const missing = OUTPUTS.find((f) => !existsSync(path.join(root, f)));
  if (missing) return { build: true, reason: `${missing} is missing`, hash: fingerprint(root) };
  const stampPath = path.join(root, STAMP);
  const hash = fingerprint(root);
  if (!existsSync(stampPath)) return { build: true, reason: 'no build stamp', hash };
  if (readFileSync(stampPath, 'utf8').trim() !== hash) return { build: true, reason: 'sources changed', hash };
  return { build: false, hash };
}

export function writeStamp(root, hash) {
  mkdirSync(path.dirname(path.join(root, STAMP)), { recursive: true });
  writeFileSync(path.join(root, STAMP), `${hash}\n`);
}

/** The default build: `npm run build`'s two steps, side by side. */
const BUILD_COMMANDS = ['npm run build -w @primetrade/web', 'npm run build -w @primetrade/api'];

const run = (command, cwd) =>
  new Promise((resolve) => {
    const child = spawn(command, { cwd, stdio: 'inherit', shell: true });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });

async function main(argv) {
  const arg = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = path.resolve(arg('--root') ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const commands = arg('--command') ? [arg('--command')] : BUILD_COMMANDS;
  const decision = decide(root);
  if (!decision.build) {
    console.log('build: up to date (sources unchanged since the last build)');
    return 0;
  }
  console.log(`build: ${decision.reason}; building`);
  if (argv.includes('--dry-run')) return 10;
  const codes = await Promise.all(commands.map((c) => run(c, root)));
  const failed = codes.find((c) => c !== 0);
  if (failed !== undefined) return failed;
  // Stamp with the hash taken before the build: a source edited during the build rebuilds next time.
  writeStamp(root, decision.hash);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
