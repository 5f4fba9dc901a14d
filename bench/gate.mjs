#!/usr/bin/env node
/**
 * The bench regression gate (issue 20 item 10): compares the ratio figures of a bench run with the recorded reference
 * run and fails when one fell too far. Ratios only (each is measured against a baseline doing the same work in the
 * same run, so a slower or busier machine moves both sides); absolute times are never gated.
 *
 * A ratio whose bar the reference met must stay within TOLERANCE of the bar; one the reference missed must not fall
 * more than TOLERANCE below the reference's own figure (no further regression). A figure missing from the run is
 * reported, not gated (a bench that crashed fails bench-quick itself).
 *
 *   node bench/gate.mjs [--current bench/results/results-quick.json] [--reference bench/results/gate-reference.json]
 *   node bench/gate.mjs --only P1,P7  # gate these ids only (the re-run of the ones that failed)
 *   node bench/gate.mjs --failed-ids  # print only the ids that fail (comma-separated) and exit 0
 *   node bench/gate.mjs --record     # make the current run the reference (commit the file with the change that earned it)
 *   node bench/gate.mjs --record a.json b.json c.json  # the reference from several quick runs of one build: each
 *                                                      # gated ratio is its median over them (referenceOf)
 *
 * .ci/suites/bench-quick.sh re-runs the benches that fail once and fails when they fail again: a real regression
 * fails twice, a noisy neighbour rarely does.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/util.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));

/** A fall of more than this fraction fails: the spread of the same ratio over repeated quick runs on this box was ≤ 20 %. */
export const TOLERANCE = 0.25;

/** The gated ratios: `higher` = bigger is better (throughput against a baseline), `lower` = smaller is better. */
export const GATED = [
  { id: 'P1', key: 'vs_fastify', bar: 0.8, better: 'higher', what: 'list, API vs bare Fastify' },
  { id: 'P2', key: 'vs_fastify_304', bar: 1.5, better: 'higher', what: 'conditional GET (304) vs Fastify’s own 304' },
  { id: 'P3', key: 'ratio', bar: 1.3, better: 'lower', what: 'deep page p50 / first page p50' },
  { id: 'P6', key: 'vs_raw', bar: 0.6, better: 'higher', what: 'create vs raw INSERT' },
  { id: 'P7', key: 'vs_argon2', bar: 0.9, better: 'higher', what: 'login vs raw argon2id' },
  { id: 'P12', key: 'ratio', bar: 0.4, better: 'higher', what: 'PGlite vs PostgreSQL mode' },
  { id: 'P13', key: 'ratio', bar: 0.8, better: 'higher', what: 'cross-project list vs a single-user list' },
  { id: 'P17', key: 'vs_post', bar: 0.8, better: 'higher', what: 'PATCH vs POST' },
];

const meets = (g, v) => (g.better === 'higher' ? v >= g.bar : v <= g.bar);

/**
 * One row per gated ratio: `{ id, key, reference, current, floor, status }`, status `ok`, `FAIL` or `not measured`.
 * The floor is the worst figure allowed: for `higher` ratios bar×(1−t) (met bar) or reference×(1−t) (missed bar);
 * for `lower` ratios bar×(1+t) or reference×(1+t).
 */
export function evaluate(reference, current, tolerance = TOLERANCE) {
  return GATED.map((g) => {
    const ref = reference?.results?.[g.id]?.[g.key];
    const cur = current?.results?.[g.id]?.[g.key];
    const row = { id: g.id, key: g.key, what: g.what, bar: g.bar, reference: ref ?? null, current: cur ?? null };
    if (typeof cur !== 'number' || !Number.isFinite(cur)) return { ...row, floor: null, status: 'not measured' };
    const anchor = typeof ref === 'number' && Number.isFinite(ref) && !meets(g, ref) ? ref : g.bar;
    const floor = g.better === 'higher' ? anchor * (1 - tolerance) : anchor * (1 + tolerance);
    const ok = g.better === 'higher' ? cur >= floor : cur <= floor;
    return { ...row, floor, anchor: anchor === g.bar ? 'bar' : 'reference', status: ok ? 'ok' : 'FAIL' };
  });
}

/**
 * The reference made of several quick runs of one build (on the box class CI runs on): the latest run with each
 * gated ratio replaced by its median over the runs; `medianOf` keeps the runs' dates and each ratio's figures. One
 * run is one sample of a ratio that moves 10–20 % between runs: a reference at the top of that spread holds later
 * runs to a figure they reach only sometimes (P13: a reference of 0.63 allowed ≥ 0.47, and CI measured 0.48), one at
 * the bottom lets a real regression through.
 */
export function referenceOf(runs) {
  if (runs.length === 0) throw new Error('referenceOf: no runs');
  const latest = runs[runs.length - 1];
  const results = structuredClone(latest.results ?? {});
  const figures = {};
  for (const g of GATED) {
    const xs = runs.map((r) => r?.results?.[g.id]?.[g.key]).filter((v) => typeof v === 'number' && Number.isFinite(v));
    if (xs.length === 0) continue;
    results[g.id] = { ...(results[g.id] ?? {}), [g.key]: median(xs) };
    figures[`${g.id}.${g.key}`] = xs;
  }
  return { ...latest, results, medianOf: { runs: runs.map((r) => r.date ?? null), figures } };
}

const fmt = (v) => (typeof v === 'number' ? v.toFixed(2) : '–');

export function report(rows, tolerance = TOLERANCE) {
  const lines = [
    `bench gate (ratios only, tolerance ${Math.round(tolerance * 100)} %):`,
    '| id | ratio | reference | this run | worst allowed | verdict |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.id} | ${r.key} (${r.what}; bar ${r.bar}) | ${fmt(r.reference)} | ${fmt(r.current)} | ${
          r.floor === null ? '–' : `${fmt(r.floor)} (from the ${r.anchor})`
        } | ${r.status} |`,
    ),
  ];
  return lines.join('\n');
}

function main() {
  const argv = process.argv.slice(2);
  const raw = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const opt = (name, fallback) => path.resolve(raw(name, fallback));
  const currentPath = opt('--current', path.join(BENCH, 'results/results-quick.json'));
  const referencePath = opt('--reference', path.join(BENCH, 'results/gate-reference.json'));
  if (argv.includes('--record')) {
    const given = argv.slice(argv.indexOf('--record') + 1).filter((a) => !a.startsWith('--'));
    const files = given.length > 0 ? given.map((f) => path.resolve(f)) : [currentPath];
    const reference = referenceOf(files.map((f) => JSON.parse(readFileSync(f, 'utf8'))));
    writeFileSync(referencePath, `${JSON.stringify(reference, null, 2)}\n`);
    const what = GATED.map((g) => `${g.id} ${fmt(reference.results?.[g.id]?.[g.key])}`).join(', ');
    console.log(`recorded the gate's reference from ${files.length} run(s): ${what}`);
    return 0;
  }
  if (!existsSync(currentPath)) {
    console.error(`bench gate: no results at ${currentPath} (run npm run bench:quick first)`);
    return 2;
  }
  const current = JSON.parse(readFileSync(currentPath, 'utf8'));
  const reference = existsSync(referencePath) ? JSON.parse(readFileSync(referencePath, 'utf8')) : null;
  if (!reference) console.log(`bench gate: no reference at ${referencePath}: every ratio is held to its bar`);
  const only = raw('--only', '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const rows = evaluate(reference, current).filter((r) => only.length === 0 || only.includes(r.id));
  if (argv.includes('--failed-ids')) {
    console.log(
      rows
        .filter((r) => r.status === 'FAIL')
        .map((r) => r.id)
        .join(','),
    );
    return 0;
  }
  console.log(report(rows));
  const failed = rows.filter((r) => r.status === 'FAIL');
  if (failed.length) {
    console.error(
      `bench gate FAILED: ${failed.map((r) => `${r.id} ${r.key}=${fmt(r.current)} < ${fmt(r.floor)}`).join('; ')}`,
    );
    return 1;
  }
  console.log('bench gate passed');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
