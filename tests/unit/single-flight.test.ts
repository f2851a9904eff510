/** One run at a time: calls during a run share it; the next call after it settles starts another, even after a failure. */
import { describe, expect, it } from 'vitest';
import { singleFlight } from '@server/core/single-flight';

describe('singleFlight', () => {
  it('shares a run in flight and starts afresh after it settles', async () => {
    let runs = 0;
    let release!: () => void;
    const job = singleFlight(async () => {
      runs++;
      await new Promise<void>((r) => (release = r));
      return runs;
    });
    const a = job();
    const b = job();
    expect(a).toBe(b);
    release();
    expect(await a).toBe(1);
    const c = job();
    expect(c).not.toBe(a);
    release();
    expect(await c).toBe(2);
  });

  it('lets the next call run after a failure', async () => {
    let fail = true;
    const job = singleFlight(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve('ok')));
    await expect(job()).rejects.toThrow('down');
    fail = false;
    expect(await job()).toBe('ok');
  });
});
