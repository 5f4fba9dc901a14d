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
const fromRow = [];
const arrivals = new Map();
let open = 0;
let failed = 0;
let ended = 0;
let done = false;
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
              if (m) {
                const now = performance.timeOrigin + performance.now();
                lat.push(now - Number(m[1]));
                // Per event: its first and last arrival over all its streams (the fan-out's spread).
                const a = arrivals.get(m[1]);
                if (a) a.last = now;
                else arrivals.set(m[1], { first: now - Number(m[1]), firstAt: now, last: now });
                // From the row's createdAt (the INSERT's transaction time, ms): the commit and the fan-out only,
                // without the request's way in (parse, auth) — which part of the latency is the stream's.
                const c = /"createdAt":"([^"]+)"/.exec(frame);
                if (c) fromRow.push(now - Date.parse(c[1]));
              }
            }
            i = buf.indexOf('\n\n');
          }
        });
        res.on('error', () => {});
        // A stream the server ended (or lost) before the run was over: its events after that are missing.
        res.on('close', () => {
          if (!done) ended++;
        });
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
const cpuConnect = process.cpuUsage();
const tListen = performance.now();
await new Promise((r) => setTimeout(r, (o.listen ?? 10) * 1000));
// This process's own CPU while connecting and while listening (ms of CPU per ms of wall: 1 = one core saturated).
const cpuListen = process.cpuUsage(cpuConnect);
const cpu = {
  connect: (cpuConnect.user + cpuConnect.system) / 1000 / (tListen - t0),
  listen: (cpuListen.user + cpuListen.system) / 1000 / (performance.now() - tListen),
};
done = true;
lat.sort((a, b) => a - b);
fromRow.sort((a, b) => a - b);
// first: send → the event's first stream (the write itself: request, INSERT, commit, the first socket write);
// spread: its first → its last stream (writing it to all of the user's streams and this process reading them).
const first = [...arrivals.values()].map((a) => a.first).sort((a, b) => a - b);
const spread = [...arrivals.values()].map((a) => a.last - a.firstAt).sort((a, b) => a - b);
const pctOf = (xs, p) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))];
const pct = (p) => pctOf(lat, p);
process.stdout.write(
  `${JSON.stringify({ open, failed, events: lat.length, p50: pct(50), p99: pct(99), max: lat[lat.length - 1], ended, cpu, fromRow: { p50: pctOf(fromRow, 50), p99: pctOf(fromRow, 99) }, first: { p50: pctOf(first, 50), max: first.at(-1) }, spread: { p50: pctOf(spread, 50), max: spread.at(-1) } })}\n`,
);
for (const s of sockets) s.destroy();
process.exit(0);
