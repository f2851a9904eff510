/**
 * The hub's periodic jobs in one place (the session sweep, the absence sweep, the outbox poll): a
 * service says what one run is (`sweep()`, `poll()`), createApp says how often. Each job runs every
 * `everyMs` measured on the injectable clock and never overlaps itself: a run that outlasts its
 * period skips the slots it covered, as a coalesced setInterval would. A failed run is logged and
 * the job goes on at its next slot. Timers are unref'd (a job never keeps the process alive), and
 * `stop()` clears them and waits for the runs under way, so a closed hub leaves nothing running.
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock';

export interface JobOptions {
  /** Also run once at once (by default the first run is one period after `every`). */
  immediately?: boolean;
}

/** A job as it stands (tests, diagnostics); times are the clock's. */
export interface JobState {
  readonly name: string;
  readonly everyMs: number;
  readonly runs: number;
  readonly failures: number;
  readonly running: boolean;
  readonly lastStartedAt: number | null;
  readonly lastMs: number | null;
}

interface Job {
  readonly name: string;
  readonly everyMs: number;
  readonly run: () => unknown;
  runs: number;
  failures: number;
  lastStartedAt: number | null;
  lastMs: number | null;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
}

export class Scheduler {
  private readonly jobs = new Map<string, Job>();
  private stopped = false;

  constructor(
    private readonly log: Pick<Logger, 'warn'>,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Run `run` every `everyMs` (0 or less: never, the settings' way to turn a sweep off). After
   * `stop()` nothing new is scheduled.
   */
  every(name: string, everyMs: number, run: () => unknown, opts: JobOptions = {}): void {
    if (this.jobs.has(name)) throw new Error(`scheduler: a job named '${name}' is scheduled already`);
    if (this.stopped || !(everyMs > 0) || !Number.isFinite(everyMs)) return;
    const job: Job = {
      name,
      everyMs,
      run,
      runs: 0,
      failures: 0,
      lastStartedAt: null,
      lastMs: null,
      timer: null,
      running: null,
    };
    this.jobs.set(name, job);
    if (opts.immediately) this.start(job);
    else this.arm(job, everyMs);
  }

  /** Clear every timer and wait for the runs under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs.values()) {
      if (job.timer) clearTimeout(job.timer);
      job.timer = null;
    }
    await Promise.all([...this.jobs.values()].flatMap((job) => (job.running ? [job.running] : [])));
  }

  status(): JobState[] {
    return [...this.jobs.values()].map(({ name, everyMs, runs, failures, running, lastStartedAt, lastMs }) => ({
      name,
      everyMs,
      runs,
      failures,
      running: running !== null,
      lastStartedAt,
      lastMs,
    }));
  }

  private arm(job: Job, ms: number): void {
    job.timer = setTimeout(() => {
      job.timer = null;
      this.start(job);
    }, ms);
    job.timer.unref();
  }

  private start(job: Job): void {
    if (this.stopped) return;
    const t0 = this.clock.now();
    job.lastStartedAt = t0;
    job.running = (async () => {
      await job.run();
    })()
      .then(
        () => {
          job.runs++;
        },
        (e: unknown) => {
          job.failures++;
          this.log.warn({ err: e, job: job.name }, `${job.name} failed; will retry`);
        },
      )
      .finally(() => {
        job.running = null;
        // A clock moved back counts as no time; one that jumped ahead lands on the next slot.
        const took = Math.max(0, this.clock.now() - t0);
        job.lastMs = took;
        if (!this.stopped) this.arm(job, job.everyMs - (took % job.everyMs));
      });
  }
}
