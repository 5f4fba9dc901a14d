/**
 * `npm run test:timed` (issue 14 item 7; docs/performance.md "The test suite's own time"): runs `vitest run` (extra
 * arguments passed on), then prints its wall time against the bar — `npm test` under 5 minutes (300 s) on this
 * 2-core box with no services — with the load average at start and end and the CPU time the run used (user + sys
 * of vitest and its workers, which the box's load changes far less than the wall time). It fails when the tests
 * fail or when the wall time reaches the bar. A run started on a busy box (1-minute load above the core count) is
 * said to be one: its wall time is not the quiet-box figure the bar is about, and it still fails over the bar.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The bar, in seconds: `npm test` under 5 minutes with no services (issue 14 item 7). */
export const TEST_TIME_BAR_S = 300;

export interface TimedVerdict {
  ok: boolean;
  line: string;
}

/** Pass only when the tests passed and the wall time is under the bar (300.0 s itself fails). */
export function verdict(run: {
  wallMs: number;
  exitCode: number;
  barS?: number;
  loadStart?: number;
  cores?: number;
}): TimedVerdict {
  const bar = run.barS ?? TEST_TIME_BAR_S;
  const wall = run.wallMs / 1000;
  const inTime = wall < bar;
  const busy =
    run.loadStart !== undefined && run.cores !== undefined && run.loadStart > run.cores
      ? ` (busy box: load ${run.loadStart.toFixed(1)} on ${run.cores} cores at the start — not a quiet-box figure)`
      : '';
  if (run.exitCode !== 0) {
    return { ok: false, line: `npm test FAILED (exit ${run.exitCode}) after ${wall.toFixed(1)} s${busy}` };
  }
  return {
    ok: inTime,
    line: `npm test wall time ${wall.toFixed(1)} s — bar ${bar} s: ${inTime ? 'UNDER' : 'OVER'} the bar${busy}`,
  };
}

/** CPU seconds (user + sys) of this process's reaped children and their descendants, from /proc (Linux). */
function childCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name's closing parenthesis; cutime and cstime are fields 16 and 17 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const cores = os.availableParallelism();
  const loadStart = os.loadavg()[0] ?? 0;
  const start = performance.now();
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...args], { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallMs = performance.now() - start;
  const loadEnd = os.loadavg()[0] ?? 0;
  const cpu = childCpuSeconds();
  const v = verdict({ wallMs, exitCode, loadStart, cores });
  console.log('');
  console.log(v.line);
  console.log(
    `load average ${loadStart.toFixed(1)} at the start, ${loadEnd.toFixed(1)} at the end (${cores} cores)` +
      (cpu !== undefined ? `; CPU ${cpu.toFixed(0)} s (user + sys, vitest and its workers)` : ''),
  );
  process.exitCode = v.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
