/**
 * pgbench -M prepared on the list query: the database's own ceiling for P1 (installs postgresql-contrib's
 * pgbench if it is missing). Returns { rps, latencyMs }.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIST_SQL } from '../baselines/common.mjs';

export function ensurePgbench() {
  if (spawnSync('sh', ['-c', 'command -v pgbench']).status === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit', timeout: 300_000 });
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql-contrib'], {
    env,
    stdio: 'inherit',
    timeout: 600_000,
  });
}

/** `projectId`: the list's project (the statement is the baselines' LIST_SQL). */
export function pgbench(url, projectId, { clients = 20, seconds = 5 } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-pgbench-'));
  const script = path.join(dir, 'list.sql');
  // pgbench reads ':name' as a variable even inside a string literal: the timestamps' format ('…HH24:MI:SS…') is
  // spelt with chr(58) for its colons (an immutable call, folded when the statement is planned).
  const text = LIST_SQL.replace('$1::uuid', 'cast(:pid as uuid)').replaceAll(
    'HH24:MI:SS',
    `HH24' || chr(58) || 'MI' || chr(58) || 'SS`,
  );
  writeFileSync(script, `${text};\n`);
  const u = new URL(url);
  const r = spawnSync(
    'pgbench',
    [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      '-D',
      `pid=${projectId}`,
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username || 'postgres'),
      u.pathname.slice(1),
    ],
    { encoding: 'utf8', timeout: (seconds + 60) * 1000 },
  );
  const tps = /tps = ([\d.]+)/.exec(r.stdout);
  const lat = /latency average = ([\d.]+) ms/.exec(r.stdout);
  if (!tps) {
    console.error(`pgbench failed: ${(r.stderr || r.stdout).slice(0, 300)}`);
    return { rps: Number.NaN, latencyMs: Number.NaN };
  }
  return { rps: Number(tps[1]), latencyMs: lat ? Number(lat[1]) : Number.NaN };
}
