import { describe, expect, it } from 'vitest';
import { evaluate, GATED, referenceOf, TOLERANCE } from './gate.mjs';

type Row = { id: string; status: string; floor: number | null; anchor?: string };
const run = (figures: Record<string, Record<string, number>>) => ({ results: figures });
const evalRows = (ref: unknown, cur: unknown): Row[] => evaluate(ref, cur);
const row = (rows: Row[], id: string) => rows.find((r) => r.id === id)!;

describe('bench gate (bench/gate.mjs)', () => {
  const reference = run({
    P1: { vs_fastify: 0.85 }, // bar 0.8 met
    P3: { ratio: 1.1 }, // lower is better, bar 1.3 met
    P6: { vs_raw: 0.3 }, // bar 0.6 missed: held to its own figure
    P7: { vs_argon2: 0.92 },
  });

  it('passes a run like the reference, and a met bar may wobble within the tolerance', () => {
    const rows = evalRows(
      reference,
      run({
        P1: { vs_fastify: 0.8 * (1 - TOLERANCE) + 0.01 },
        P3: { ratio: 1.5 },
        P6: { vs_raw: 0.29 },
        P7: { vs_argon2: 0.9 },
      }),
    );
    expect(rows.filter((r) => r.status === 'FAIL')).toEqual([]);
    expect(row(rows, 'P1').anchor).toBe('bar');
    expect(row(rows, 'P6').anchor).toBe('reference');
    expect(row(rows, 'P12').status).toBe('not measured');
  });

  it('fails a planted slowdown: a met ratio falling more than the tolerance below its bar', () => {
    const rows = evalRows(
      reference,
      run({ P1: { vs_fastify: 0.5 }, P3: { ratio: 1.1 }, P6: { vs_raw: 0.3 }, P7: { vs_argon2: 0.92 } }),
    );
    expect(rows.filter((r) => r.status === 'FAIL').map((r) => r.id)).toEqual(['P1']);
  });

  it('fails a missed ratio that regressed further than the tolerance below the reference', () => {
    const rows = evalRows(reference, run({ P6: { vs_raw: 0.3 * (1 - TOLERANCE) - 0.01 } }));
    expect(row(rows, 'P6').status).toBe('FAIL');
  });

  it('fails a lower-is-better ratio that grew past the bar plus the tolerance', () => {
    const rows = evalRows(reference, run({ P3: { ratio: 1.3 * (1 + TOLERANCE) + 0.01 } }));
    expect(row(rows, 'P3').status).toBe('FAIL');
  });

  it('without a reference every ratio is held to its bar', () => {
    const rows = evalRows(null, run({ P7: { vs_argon2: 0.5 }, P17: { vs_post: 0.7 } }));
    expect(row(rows, 'P7').status).toBe('FAIL');
    expect(row(rows, 'P17').status).toBe('ok');
    expect(GATED.every((g: { bar: number }) => g.bar > 0)).toBe(true);
  });

  it('records a reference from several runs as the median of each ratio, so one lucky run does not set the floor', () => {
    const runs = [
      { date: 'a', results: { P13: { ratio: 0.48 }, P1: { vs_fastify: 0.53 } } },
      { date: 'b', results: { P13: { ratio: 0.63 }, P1: { vs_fastify: 0.66 } } },
      { date: 'c', results: { P13: { ratio: 0.54 }, P1: { vs_fastify: 0.6, rps: 2500 }, P3: { ratio: 1.1 } } },
    ];
    const ref = referenceOf(runs);
    expect(ref.results.P13.ratio).toBe(0.54);
    expect(ref.results.P1).toEqual({ vs_fastify: 0.6, rps: 2500 }); // the latest run's other figures kept
    expect(ref.results.P3.ratio).toBe(1.1); // measured once: that figure
    expect(ref.medianOf.figures['P13.ratio']).toEqual([0.48, 0.63, 0.54]);
    expect(referenceOf(runs.slice(0, 2)).results.P13.ratio).toBeCloseTo(0.555);
    // Against the median, the low run of the three passes; against the single best run (planted), it fails.
    const low = run({ P13: { ratio: 0.46 } });
    expect(row(evalRows(ref, low), 'P13').status).toBe('ok');
    expect(row(evalRows(runs[1], low), 'P13').status).toBe('FAIL');
  });
});
