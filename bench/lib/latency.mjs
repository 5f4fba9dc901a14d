/**
 * Closed-loop latency sampler: `concurrency` loops each sending one request after another over keep-alive
 * connections, for `duration` seconds or `count` requests. Records every latency (exact p50/p95/p99).
 * Input (argv[2], JSON): { urls: [..] (round-robin), headers, concurrency, duration, count, warmup }.
 */
import http from 'node:http';

const o = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency ?? 4 });

function once(url) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.get(url, { agent, headers: o.headers ?? {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ms: performance.now() - t0, status: 0 }));
  });
}

async function phase(seconds, maxCount, record) {
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const lat = [];
  const statuses = {};
  const loop = async () => {
    while (performance.now() < until && n < maxCount) {
      const url = o.urls[n++ % o.urls.length];
      const r = await once(url);
      if (record) {
        lat.push(r.ms);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 4 }, loop));
  return { lat, statuses };
}

const pct = (s, p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
if (o.warmup) await phase(o.warmup, o.count ?? 1e9, false);
const t0 = performance.now();
const { lat, statuses } = await phase(o.duration ?? 10, o.count ?? 1e9, true);
const secs = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    n: lat.length,
    rps: lat.length / secs,
    p50: pct(lat, 50),
    p95: pct(lat, 95),
    p99: pct(lat, 99),
    max: lat[lat.length - 1],
    statuses,
  }),
);
agent.destroy();
