#!/usr/bin/env node
/**
 * Prints the gzip size of the JavaScript the browser loads before the first route renders (the entry and its
 * modulepreloads in dist/index.html), and of each route's lazy chunks; fails when the initial JS is over the
 * budget (quality.md P9: 170 KB gzip) or when index.html carries an inline script (the CSP forbids them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 170;
const dist = path.resolve(import.meta.dirname, '../dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');

const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(
  ([, attrs, body]) => !/\bsrc=/.test(attrs) && body.trim() !== '',
);
if (inline.length) {
  console.error("index.html has an inline script: the CSP (script-src 'self') would block it");
  process.exit(1);
}

const initial = [
  ...[...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]),
  ...[...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1]),
];
const gz = (file) => gzipSync(readFileSync(path.join(dist, file))).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

let total = 0;
for (const file of initial) total += gz(file);
const initialSet = new Set(initial.map((f) => path.basename(f)));

console.log(`initial JS (${initial.length} files): ${kb(total)} gzip (budget ${BUDGET_KB} KB)`);
const lazy = readdirSync(path.join(dist, 'assets'))
  .filter((f) => f.endsWith('.js') && !initialSet.has(f))
  .map((f) => [f, gz(`assets/${f}`)])
  .sort((a, b) => b[1] - a[1]);
console.log('lazy chunks (gzip):');
for (const [f, size] of lazy) console.log(`  ${f.padEnd(40)} ${kb(size)}`);

if (total > BUDGET_KB * 1024) {
  console.error(`initial JS ${kb(total)} is over the ${BUDGET_KB} KB budget`);
  process.exit(1);
}
