import { describe, expect, it } from 'vitest';
import { evaluate, GATED, TOLERANCE } from './gate.mjs';

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
});
