/**
 * Load generator process: autocannon's programmatic API. Input (argv[2], JSON): { url, connections, duration,
 * method, headers, body, bodies (array: one per request, round-robin; an entry { body, headers, method, path }
 * may name its own method and path), overallRate, warmup }. Prints one JSON line.
 */
import autocannon from 'autocannon';

const o = JSON.parse(process.argv[2]);

function run(duration) {
  let i = 0;
  const bodies = o.bodies;
  const requests = bodies
    ? [
        {
          method: o.method ?? 'POST',
          setupRequest: (req) => {
            const b = bodies[i++ % bodies.length];
            return {
              ...req,
              body: typeof b === 'string' ? b : JSON.stringify(b.body),
              headers: typeof b === 'string' ? req.headers : { ...req.headers, ...b.headers },
              ...(typeof b !== 'string' && b.path ? { path: b.path } : {}),
              ...(typeof b !== 'string' && b.method ? { method: b.method } : {}),
            };
          },
        },
      ]
    : undefined;
  return autocannon({
    url: o.url,
    connections: o.connections ?? 50,
    duration,
    method: o.method ?? 'GET',
    headers: o.headers ?? {},
    body: o.body,
    requests,
    overallRate: o.overallRate,
    timeout: o.timeout ?? 10,
  });
}

if (o.warmup) await run(o.warmup);
const r = await run(o.duration ?? 10);
const total = r.requests.total ?? 0;
console.log(
  JSON.stringify({
    rps: r.requests.average,
    total,
    duration: r.duration,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    mean: r.latency.mean,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodeStats: r.statusCodeStats,
    bytesPerReq: total ? r.throughput.total / total : 0,
  }),
);
