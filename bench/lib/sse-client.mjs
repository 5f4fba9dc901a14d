/**
 * P8 load process: opens `streams` SSE connections to GET /api/v1/events, spread over the given tokens, in
 * batches; prints `READY <open>` when done; then records, for every `task.created` event, now − the send time
 * carried in the task title (`sse <epoch ms>`). Ends after `listen` seconds and prints one JSON line.
 * Input (argv[2], JSON): { base, tokens: [..], streams, listen, batch }.
 */
import http from 'node:http';

const o = JSON.parse(process.argv[2]);
const url = new URL('/api/v1/events', o.base);
const lat = [];
let open = 0;
let failed = 0;
const sockets = [];

function connect(token) {
  return new Promise((resolve) => {
    const req = http.get(
      url,
      { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          failed++;
          res.resume();
          resolve();
          return;
        }
        res.setEncoding('utf8');
        let buf = '';
        let counted = false;
        res.on('data', (chunk) => {
          buf += chunk;
          let i = buf.indexOf('\n\n');
          while (i >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (!counted && frame.includes(': connected')) {
              counted = true;
              open++;
              resolve();
            }
            if (frame.includes('event: task.created')) {
              const m = /"title":"sse (\d+(?:\.\d+)?)"/.exec(frame);
              if (m) lat.push(performance.timeOrigin + performance.now() - Number(m[1]));
            }
            i = buf.indexOf('\n\n');
          }
        });
        res.on('error', () => {});
      },
    );
    req.on('error', () => {
      failed++;
      resolve();
    });
    req.setTimeout(0);
    sockets.push(req);
  });
}

const t0 = performance.now();
const batch = o.batch ?? 200;
for (let i = 0; i < o.streams && performance.now() - t0 < 120_000; i += batch) {
  const n = Math.min(batch, o.streams - i);
  await Promise.race([
    Promise.all(Array.from({ length: n }, (_, j) => connect(o.tokens[(i + j) % o.tokens.length]))),
    new Promise((r) => setTimeout(r, 15_000)),
  ]);
}
process.stdout.write(`READY ${open} ${failed} ${Math.round(performance.now() - t0)}\n`);
await new Promise((r) => setTimeout(r, (o.listen ?? 10) * 1000));
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.max(0, Math.ceil((p / 100) * lat.length) - 1))];
process.stdout.write(
  `${JSON.stringify({ open, failed, events: lat.length, p50: pct(50), p99: pct(99), max: lat[lat.length - 1] })}\n`,
);
for (const s of sockets) s.destroy();
process.exit(0);
