/**
 * The hub's one scheduler (server/core/scheduler.ts), on fake timers: a job runs every period (or at once
 * as well), never overlaps itself, a failure is logged and the job goes on, `0` turns a job off,
 * `stop()` clears the timers and waits for the run under way, and no timer holds the process.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '@server/core/scheduler';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((r, j) => ((resolve = r), (reject = j)));
  return { promise, resolve, reject };
}

describe('Scheduler', () => {
  const warn = vi.fn();
  let scheduler: Scheduler;
  beforeEach(() => {
    vi.useFakeTimers();
    warn.mockReset();
    // The default clock is Date.now, which the fake timers move.
    scheduler = new Scheduler({ warn } as never);
  });
  afterEach(async () => {
    await scheduler.stop();
    vi.useRealTimers();
  });

  it('runs a job every period, the first one period after it is scheduled', async () => {
    const run = vi.fn();
    scheduler.every('sweep', 1_000, run);
    await vi.advanceTimersByTimeAsync(999);
    expect(run).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(run).toHaveBeenCalledTimes(4);
    expect(scheduler.status()).toEqual([
      { name: 'sweep', everyMs: 1_000, runs: 4, failures: 0, running: false, lastStartedAt: Date.now(), lastMs: 0 },
    ]);
  });

  it('runs at once as well when asked', async () => {
    const run = vi.fn();
    scheduler.every('poll', 1_000, run, { immediately: true });
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('never overlaps a job with itself: a long run moves the next one to the next slot', async () => {
    const runs: ReturnType<typeof deferred>[] = [];
    const starts: number[] = [];
    const t0 = Date.now();
    scheduler.every('slow', 1_000, () => {
      starts.push(Date.now() - t0);
      const d = deferred();
      runs.push(d);
      return d.promise;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(starts).toEqual([1_000]);
    await vi.advanceTimersByTimeAsync(1_500); // t = 2,500: still running
    expect(starts).toEqual([1_000]);
    expect(scheduler.status()[0]!.running).toBe(true);
    runs[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    // It ran 1,500 ms: the slot at 2,000 is skipped, the next is at 3,000.
    await vi.advanceTimersByTimeAsync(499);
    expect(starts).toEqual([1_000]);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toEqual([1_000, 3_000]);
    expect(scheduler.status()[0]).toMatchObject({ runs: 1, lastMs: 1_500 });
    runs[1]!.resolve();
  });

  it('logs a failed run with its name and runs again at the next slot', async () => {
    let n = 0;
    scheduler.every('absence sweep', 1_000, async () => {
      n++;
      if (n === 1) throw new Error('database away');
      if (n === 2) await Promise.reject(new Error('still away'));
    });
    scheduler.every('throws at once', 1_000, () => {
      throw new Error('sync throw');
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(n).toBe(3);
    expect(warn).toHaveBeenCalledWith(
      { err: new Error('database away'), job: 'absence sweep' },
      'absence sweep failed; will retry',
    );
    expect(warn).toHaveBeenCalledWith(
      { err: new Error('still away'), job: 'absence sweep' },
      'absence sweep failed; will retry',
    );
    expect(warn).toHaveBeenCalledWith(
      { err: new Error('sync throw'), job: 'throws at once' },
      'throws at once failed; will retry',
    );
    expect(scheduler.status().map((j) => [j.name, j.runs, j.failures])).toEqual([
      ['absence sweep', 1, 2],
      ['throws at once', 0, 3],
    ]);
  });

  it('stop() clears every timer and waits for the run under way', async () => {
    const d = deferred();
    const slow = vi.fn(() => d.promise);
    const fast = vi.fn();
    scheduler.every('slow', 1_000, slow);
    scheduler.every('fast', 700, fast);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(slow).toHaveBeenCalledTimes(1);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false);
    expect(fast).toHaveBeenCalledTimes(1);
    d.resolve();
    await stopping;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(slow).toHaveBeenCalledTimes(1);
    expect(fast).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    // A stopped scheduler schedules nothing new.
    scheduler.every('late', 1_000, fast, { immediately: true });
    expect(fast).toHaveBeenCalledTimes(1);
  });

  it('0 or less turns a job off; a name is scheduled once', () => {
    const run = vi.fn();
    scheduler.every('off', 0, run, { immediately: true });
    scheduler.every('negative', -5, run);
    expect(run).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    scheduler.every('sweep', 1_000, run);
    expect(() => scheduler.every('sweep', 2_000, run)).toThrow(/sweep/);
  });

  it('holds no timer that keeps the process alive', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    scheduler.every('sweep', 1_000, () => undefined);
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
  });

  it('measures on the injected clock: a clock that jumps ahead lands on the next slot', async () => {
    let now = 0;
    const clocked = new Scheduler({ warn } as never, { now: () => now });
    const starts: number[] = [];
    clocked.every('sweep', 1_000, () => {
      starts.push(Date.now());
      now += 49 * 3_600_000 + 250; // a run during which the hand-moved clock jumped 49 h and 250 ms
    });
    const t0 = Date.now();
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(750);
    expect(starts.map((t) => t - t0)).toEqual([1_000, 1_750]);
    await clocked.stop();
  });
});
