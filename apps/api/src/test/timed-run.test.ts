/**
 * The timing gate of `npm run test:timed` (test/timed-run.ts): it fails at the bar's own number, 300 s, and when the
 * tests fail whatever the time; a busy box is named in the line but does not turn an over-the-bar run into a pass.
 */
import { describe, expect, it } from 'vitest';
import { TEST_TIME_BAR_S, verdict } from './timed-run';

describe('npm run test:timed: the 5-minute bar', () => {
  it('is 300 s', () => {
    expect(TEST_TIME_BAR_S).toBe(300);
  });

  it('passes under 300 s and fails at 300 s and above', () => {
    expect(verdict({ wallMs: 299_900, exitCode: 0 }).ok).toBe(true);
    expect(verdict({ wallMs: 300_000, exitCode: 0 }).ok).toBe(false);
    expect(verdict({ wallMs: 301_000, exitCode: 0 })).toEqual({
      ok: false,
      line: 'npm test wall time 301.0 s — bar 300 s: OVER the bar',
    });
    // A planted looser bar would let the 301 s run through: the check is on the number, not on a default.
    expect(verdict({ wallMs: 301_000, exitCode: 0, barS: 360 }).ok).toBe(true);
  });

  it('fails when the tests fail, however fast', () => {
    const v = verdict({ wallMs: 10_000, exitCode: 1 });
    expect(v.ok).toBe(false);
    expect(v.line).toMatch(/FAILED \(exit 1\)/);
  });

  it('names a busy box, and over the bar is still a failure there', () => {
    const v = verdict({ wallMs: 400_000, exitCode: 0, loadStart: 12.5, cores: 2 });
    expect(v.ok).toBe(false);
    expect(v.line).toMatch(/busy box: load 12\.5 on 2 cores/);
    expect(verdict({ wallMs: 100_000, exitCode: 0, loadStart: 0.5, cores: 2 }).line).not.toMatch(/busy/);
  });
});
