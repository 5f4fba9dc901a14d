/**
 * The fault tests (bench/faults/run.mjs) run nginx on deploy/nginx/nginx.conf itself, rendered by
 * bench/faults/nginx-conf.mjs. This test fails when the rendered file would differ from the production one in
 * anything but the templated lines (listen, the upstream servers' addresses, the two log paths), and checks the
 * rendered file with `nginx -t` when nginx is installed (CI installs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs module of the bench scripts (no type declarations)
import { DEPLOY_NGINX_CONF, nginxArgs, renderDeployNginxConf, renderNginxConf } from './nginx-conf.mjs';

const production: string = readFileSync(DEPLOY_NGINX_CONF, 'utf8');
const opts = { listen: 4200, upstreams: [4201, 4202], prefix: '/tmp/pt-faults-x/nginx' };

/**
 * Each line with its templated part replaced by a placeholder, written here independently of the renderer: the
 * production form and the test form of a templated line both become the same text. Consecutive equal masked
 * lines of a templated kind collapse into one (three production servers vs two test servers, two listen lines vs
 * one).
 */
function masked(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = line
      .replace(/^( *)listen (?:\[::\]:|127\.0\.0\.1:)?\d+;$/, '$1listen @LISTEN@;')
      .replace(/^( *)server (?:api-\d+:3000|127\.0\.0\.1:\d+)( |;)/, '$1server @UPSTREAM@$2')
      .replace(/^( *)error_log (?:\/dev\/stderr|\/tmp\/pt-faults-x\/nginx\/error\.log)( |;)/, '$1error_log @LOG@$2')
      .replace(/^( *)access_log (?:\/dev\/stdout|\/tmp\/pt-faults-x\/nginx\/access\.log);$/, '$1access_log @LOG@;');
    if (m !== line && out.at(-1) === m) continue;
    out.push(m);
  }
  return out;
}

/** The lines where the two files differ outside the templated parts ([] = the same config): a line diff (LCS). */
function differences(prod: string, rendered: string): string[] {
  const a = masked(prod);
  const b = masked(rendered);
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      (lcs[i] as number[])[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
  const diffs: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (
      j < b.length &&
      (i === a.length || ((lcs[i] as number[])[j + 1] as number) >= ((lcs[i + 1] as number[])[j] as number))
    ) {
      diffs.push(`+ rendered line ${j + 1}: ${b[j]}`);
      j++;
    } else {
      diffs.push(`- production line ${i + 1}: ${a[i]}`);
      i++;
    }
  }
  return diffs;
}

describe('the fault tests’ nginx is deploy/nginx/nginx.conf, templated', () => {
  const rendered: string = renderDeployNginxConf(opts);

  it('differs from the production file only in the templated lines', () => {
    expect(differences(production, rendered)).toEqual([]);
    // The templated lines are what the fault tests need, and only them.
    expect(rendered).toMatch(/^ {4}listen 127\.0\.0\.1:4200;$/m);
    expect(rendered).not.toMatch(/listen (\[::\]:)?8080/);
    const servers = [...rendered.matchAll(/^ {4}server (\S+)( [^;]*)?;$/gm)].map((m) => `${m[1]}${m[2] ?? ''}`);
    const params = /^ {4}server api-1:3000( [^;]*)?;$/m.exec(production)?.[1] ?? '';
    expect(servers).toEqual([`127.0.0.1:4201${params}`, `127.0.0.1:4202${params}`]);
    expect(rendered).toContain('error_log /tmp/pt-faults-x/nginx/error.log warn;');
    expect(rendered).toContain('access_log /tmp/pt-faults-x/nginx/access.log;');
    expect(rendered).not.toMatch(/^[^#\n]*(\/dev\/std(out|err)|api-\d)/m);
    // The retry policy under test is production's: nginx never replays a POST/PATCH.
    expect(rendered).toMatch(/proxy_next_upstream error timeout http_502 http_503 http_504;/);
    expect(rendered).not.toMatch(/^[^#\n]*non_idempotent/m);
  });

  it('catches a planted difference outside the templated lines', () => {
    const planted = rendered.replace(
      'proxy_next_upstream error timeout http_502 http_503 http_504;',
      'proxy_next_upstream error timeout http_502 http_503 http_504 non_idempotent;',
    );
    expect(planted).not.toBe(rendered);
    const d = differences(production, planted);
    expect(d).toHaveLength(2); // the production line out, the planted one in
    expect(d.join('\n')).toMatch(/^\+ .*non_idempotent;$/m);
    // A changed parameter of an upstream server is a difference too (only the address is templated).
    expect(
      differences(production, rendered.replace('127.0.0.1:4202 max_fails=3', '127.0.0.1:4202 max_fails=1')),
    ).toHaveLength(1);
    // So is a dropped line.
    expect(differences(production, rendered.replace('  server_tokens off;\n', ''))).toHaveLength(1);
  });

  it('refuses a production file whose templated lines changed shape (the tests never run on something else)', () => {
    expect(() => renderNginxConf(production.replace('listen 8080;', 'listen 8080 reuseport;'), opts)).toThrow(
      /rule "listen" matched 1 line/,
    );
    expect(() => renderNginxConf(production.replace('error_log /dev/stderr warn;', ''), opts)).toThrow(/error_log/);
    expect(() => renderNginxConf(production.replace(/ {4}server api-\d:3000[^\n]*\n/g, ''), opts)).toThrow(
      /upstream server/,
    );
  });

  it('passes nginx -t when nginx is installed', (t) => {
    if (spawnSync('sh', ['-c', 'command -v nginx']).status !== 0) {
      t.skip();
      return;
    }
    const prefix = mkdtempSync(path.join(tmpdir(), 'pt-faults-nginx-'));
    try {
      const file = path.join(prefix, 'nginx.conf');
      writeFileSync(file, renderDeployNginxConf({ ...opts, prefix }));
      const out = spawnSync('nginx', ['-t', ...nginxArgs(prefix, file)], { stdio: 'pipe' });
      expect(out.status, String(out.stderr)).toBe(0);
      expect(String(out.stderr)).toMatch(/syntax is ok/);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
