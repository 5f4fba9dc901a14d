/**
 * A planted slowdown for showing that the bench gate can fail (bench/gate.mjs): loaded into every Node process of a
 * bench run with `NODE_OPTIONS="--import ./bench/lib/plant-slowdown.mjs"` and `BENCH_PLANT_SLOWDOWN_MS=<ms>`, it
 * burns that much CPU before the API's HTTP server sees each request — in the API process only (apps/api/dist/
 * server.js), so the baselines the ratios divide by stay as fast as they were.
 */
import http from 'node:http';
import path from 'node:path';

const ms = Number(process.env.BENCH_PLANT_SLOWDOWN_MS ?? 0);
const isApi = (process.argv[1] ?? '').endsWith(path.join('apps', 'api', 'dist', 'server.js'));

if (ms > 0 && isApi) {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function plantedSlowdown(event, ...args) {
    if (event === 'request') {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // the planted fault: CPU spent on every request
      }
    }
    return emit.call(this, event, ...args);
  };
  process.stderr.write(`plant-slowdown: ${ms} ms of CPU before every request of this API process\n`);
}
