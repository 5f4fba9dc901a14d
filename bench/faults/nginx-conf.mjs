/**
 * The fault tests' nginx is deploy/nginx/nginx.conf itself, rendered for a test machine by a small, explicit list
 * of line substitutions — nothing else changes. bench/faults/nginx-conf.test.ts fails when the rendered file would
 * differ from the production one anywhere but in these lines (and runs `nginx -t` on the result).
 *
 *   listen 8080; / listen [::]:8080;      → listen 127.0.0.1:<port>;   (one line; the IPv6 one dropped)
 *   server api-N:3000 <params>;  (×N)      → server 127.0.0.1:<p> <params>;  one per test instance, same params
 *   error_log /dev/stderr <level>;         → error_log <prefix>/error.log <level>;
 *   access_log /dev/stdout;                → access_log <prefix>/access.log;
 *
 * The pid file is given on the command line (`-g 'pid …;'`, see nginxArgs): the production file sets none.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEPLOY_NGINX_CONF = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../deploy/nginx/nginx.conf',
);

/**
 * The templated lines: `match` recognises the production line (the whole line, indentation included), `expect`
 * how many the production file must have (an exact number, or `min`), `render` what each becomes (its lines, or
 * [] to drop it; `first` is true for the first match of the rule, so a group becomes one block).
 */
export const RULES = [
  {
    name: 'listen',
    match: /^( *)listen (?:\[::\]:)?\d+;$/,
    expect: 2,
    render: (m, o, first) => (first ? [`${m[1]}listen 127.0.0.1:${o.listen};`] : []),
  },
  {
    name: 'upstream server',
    match: /^( *)server [a-z][\w-]*:\d+( [^;]*)?;$/,
    min: 1,
    render: (m, o, first) => (first ? o.upstreams.map((p) => `${m[1]}server 127.0.0.1:${p}${m[2] ?? ''};`) : []),
  },
  {
    name: 'error_log',
    match: /^( *)error_log \/dev\/stderr( \w+)?;$/,
    expect: 1,
    render: (m, o) => [`${m[1]}error_log ${path.join(o.prefix, 'error.log')}${m[2] ?? ''};`],
  },
  {
    name: 'access_log',
    match: /^( *)access_log \/dev\/stdout;$/,
    expect: 1,
    render: (m, o) => [`${m[1]}access_log ${path.join(o.prefix, 'access.log')};`],
  },
];

/**
 * Render `source` (the text of deploy/nginx/nginx.conf) for nginx on 127.0.0.1:`listen` in front of 127.0.0.1:
 * `upstreams`, writing its logs under `prefix`. Throws when a rule does not find the lines it expects (the
 * production file changed shape: the fault tests must not silently run against something else).
 */
export function renderNginxConf(source, { listen, upstreams, prefix }) {
  const o = { listen, upstreams, prefix };
  const seen = new Map(RULES.map((r) => [r.name, 0]));
  const out = [];
  for (const line of source.split('\n')) {
    const rule = RULES.find((r) => r.match.test(line));
    if (!rule) {
      out.push(line);
      continue;
    }
    const n = seen.get(rule.name);
    seen.set(rule.name, n + 1);
    out.push(...rule.render(rule.match.exec(line), o, n === 0));
  }
  for (const r of RULES) {
    const n = seen.get(r.name);
    if (r.expect !== undefined ? n !== r.expect : n < r.min)
      throw new Error(
        `deploy/nginx/nginx.conf: rule "${r.name}" matched ${n} line(s), expected ${r.expect ?? `≥ ${r.min}`}`,
      );
  }
  return out.join('\n');
}

/** The production file rendered for the fault tests. */
export function renderDeployNginxConf(opts) {
  return renderNginxConf(readFileSync(DEPLOY_NGINX_CONF, 'utf8'), opts);
}

/** nginx's command line for a rendered file: its own prefix and pid file, never the system service's. */
export function nginxArgs(prefix, file, { foreground = false } = {}) {
  const pid = `pid ${path.join(prefix, 'nginx.pid')};`;
  return ['-p', prefix, '-c', file, '-g', foreground ? `${pid} daemon off;` : pid];
}
