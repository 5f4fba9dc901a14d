/**
 * P7 baseline: the machine's raw argon2id verification rate at the API's parameters (@node-rs/argon2, m=19456,
 * t=2, p=1), `concurrency` verifications in flight (as many logins in flight as the load generator keeps).
 * Input (argv[2], JSON): { concurrency, duration, warmup }. Prints one JSON line.
 */
import { hash, verify } from '@node-rs/argon2';

const o = JSON.parse(process.argv[2]);
const PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const h = await hash('Qx7vR2-bench-Lm9wT-kettle', PARAMS);

async function phase(seconds) {
  const until = performance.now() + seconds * 1000;
  let n = 0;
  let errors = 0;
  const loop = async () => {
    while (performance.now() < until) {
      // A failed verification is counted (the run reports it and fails), not a verification per second.
      if (await verify(h, 'Qx7vR2-bench-Lm9wT-kettle').catch(() => false)) n++;
      else errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.concurrency ?? 4 }, loop));
  return { rps: n / ((performance.now() - t0) / 1000), total: n, errors, msPerHash: (performance.now() - t0) / n };
}

if (o.warmup) await phase(o.warmup);
console.log(JSON.stringify(await phase(o.duration ?? 10)));
