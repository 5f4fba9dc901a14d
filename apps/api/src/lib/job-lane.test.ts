import { describe, expect, it } from 'vitest';
import { jobLane } from './job-lane';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('jobLane', () => {
  it('runs jobs one after another, never side by side', async () => {
    const lane = jobLane();
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const job = (name: string) => async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      order.push(`${name}+`);
      await tick();
      order.push(`${name}-`);
      inFlight--;
      return name;
    };
    const results = await Promise.all([lane.run('a', job('a')), lane.run('b', job('b')), lane.run('c', job('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  });

  it('skips a job already waiting or running, and takes it again once it is done', async () => {
    const lane = jobLane();
    let runs = 0;
    const job = async () => {
      runs++;
      await tick();
      return runs;
    };
    const [first, second] = await Promise.all([lane.run('scan', job), lane.run('scan', job)]);
    expect(first).toBe(1);
    expect(second).toBeUndefined();
    expect(await lane.run('scan', job)).toBe(2);
  });

  it('a failed job rejects its own caller only; the lane goes on', async () => {
    const lane = jobLane();
    const failed = lane.run('bad', async () => {
      throw new Error('SMTP 451');
    });
    const next = lane.run('good', async () => 'ok');
    await expect(failed).rejects.toThrow('SMTP 451');
    expect(await next).toBe('ok');
    await expect(lane.run('bad', async () => 'again')).resolves.toBe('again');
  });
});
