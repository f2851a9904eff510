/**
 * The live simulator: runs the event model (model.ts) in real time and posts what is due, every
 * `batchMs`, to the hub's public API (`POST /api/v1/events` with a Bearer key), the same path a
 * device takes. It never throws and never crashes the process: an unreachable or busy hub is
 * counted and the events are tried again on the next tick (a bounded backlog, then dropped).
 *
 * Counters (`stats`): posts (HTTP requests made), sent (events in posts the hub answered 202),
 * accepted / duplicates / rejected (from the answers), failed (posts with no 202: network error,
 * timeout, any other status), dropped (events given up: backlog overflow, or a 4xx answer that
 * resending will not change).
 */
import type { Logger } from 'pino';
import { ingestReply, MAX_BATCH, type EventInput } from '@shared/ingest';
import { createEventModel } from './model';
import type { SimWorld } from './world';

export interface SimulatorOptions {
  /** The hub, e.g. http://127.0.0.1:8080 (no trailing /api). */
  baseUrl: string;
  /** A device key, or the demo city's INGEST_API_KEY. */
  apiKey: string;
  world: SimWorld;
  /** Average events per second over a day (see day-curve.ts: the day/night curve has mean 1). */
  ratePerSec: number;
  seed?: number;
  log: Logger;
  /** Tick, ms (default 250). */
  batchMs?: number;
  /** Goes into every event id; default: unique per start (a restart must not resend old ids). */
  runId?: string;
  /** Fence intrusions per hour, one-key alarms per day (model defaults: 3 and 1.5). */
  fencePerHour?: number;
  oneKeyPerDay?: number;
  /** Per-request limit, ms (default 10,000). */
  requestTimeoutMs?: number;
  /** Injectable for tests. */
  now?: () => number;
  fetch?: typeof fetch;
}

export interface SimulatorStats {
  generated: number;
  posts: number;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failed: number;
  dropped: number;
  /** Events waiting to be sent (after a failed post). */
  pending: number;
}

export interface Simulator {
  /** Stop ticking; an in-flight post gets a moment to finish, then is aborted. Resolves with no timer left. */
  stop(): Promise<void>;
  /** A snapshot of the counters. */
  readonly stats: SimulatorStats;
}

/** At most one warning of a kind per this many ms. */
const WARN_EVERY_MS = 10_000;
/** After a stall longer than this, the model skips ahead instead of producing the whole gap. */
const MAX_CATCH_UP_MS = 10_000;
/** How long stop() lets an in-flight post finish before aborting it. */
const STOP_GRACE_MS = 1_000;

type PostOutcome = 'done' | 'retry' | 'drop';

export function startSimulator(opts: SimulatorOptions): Simulator {
  const log = opts.log.child({ component: 'simulator' });
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetch ?? fetch;
  const batchMs = Math.max(10, opts.batchMs ?? 250);
  const timeoutMs = opts.requestTimeoutMs ?? 10_000;
  const seed = opts.seed ?? 1;
  const runId = opts.runId ?? `${seed}-${Date.now().toString(36)}`;
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/api/v1/events`;
  /** The most events kept waiting for a hub that does not answer: about 10 s at the evening peak. */
  const maxBacklog = Math.max(MAX_BATCH, Math.ceil(opts.ratePerSec * 10 * 2));

  const stats: SimulatorStats = {
    generated: 0,
    posts: 0,
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
    dropped: 0,
    pending: 0,
  };
  let last = now();
  const model = createEventModel(opts.world, {
    seed,
    ratePerSec: opts.ratePerSec,
    startMs: last,
    runId,
    fencePerHour: opts.fencePerHour,
    oneKeyPerDay: opts.oneKeyPerDay,
  });
  let queue: EventInput[] = [];
  const abort = new AbortController();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> | null = null;

  const lastWarn = new Map<string, { at: number; suppressed: number }>();
  const warn = (kind: string, fields: Record<string, unknown>, msg: string) => {
    const t = now();
    const w = lastWarn.get(kind);
    if (w && t - w.at < WARN_EVERY_MS) {
      w.suppressed++;
      return;
    }
    log.warn({ ...fields, ...(w?.suppressed ? { suppressedSinceLast: w.suppressed } : {}) }, msg);
    lastWarn.set(kind, { at: t, suppressed: 0 });
  };

  async function post(batch: EventInput[]): Promise<PostOutcome> {
    stats.posts++;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.apiKey}` },
        body: JSON.stringify({ events: batch }),
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(timeoutMs)]),
      });
      if (res.status === 202) {
        const reply = ingestReply.safeParse(await res.json());
        stats.sent += batch.length;
        if (!reply.success) {
          warn('reply', { status: res.status }, 'simulator: the hub answered 202 with an unexpected body');
          return 'done';
        }
        stats.accepted += reply.data.accepted;
        stats.duplicates += reply.data.duplicates;
        stats.rejected += reply.data.rejected.length;
        const first = reply.data.rejected[0];
        if (first) {
          const e = batch[first.index];
          warn(
            'rejected',
            {
              rejectedInBatch: reply.data.rejected.length,
              id: e?.id,
              source: e?.source,
              type: e?.type,
              error: first.errors[0],
            },
            `simulator: the hub rejected an event: ${first.errors[0]?.path ?? '?'}: ${first.errors[0]?.message ?? '?'}`,
          );
        }
        return 'done';
      }
      const body = (await res.text().catch(() => '')).slice(0, 300);
      stats.failed++;
      if (res.status === 429 || res.status >= 500) {
        warn('busy', { status: res.status, body }, `simulator: the hub answered ${res.status}; retrying next tick`);
        return 'retry';
      }
      stats.dropped += batch.length;
      warn(
        'refused',
        { status: res.status, body },
        `simulator: the hub refused a batch with ${res.status}; ${batch.length} events dropped`,
      );
      return 'drop';
    } catch (e) {
      if (abort.signal.aborted) return 'retry'; // stopping: not a failure of the hub
      stats.failed++;
      const err = e as Error & { cause?: { code?: string; message?: string } };
      warn(
        'unreachable',
        { url, error: err.cause?.code ?? err.cause?.message ?? err.message },
        'simulator: the hub is unreachable; retrying next tick',
      );
      return 'retry';
    }
  }

  async function tick(): Promise<void> {
    try {
      const t = now();
      if (t - last > MAX_CATCH_UP_MS) model.skipTo(t - batchMs);
      last = t;
      const due = model.until(t);
      stats.generated += due.length;
      queue = queue.length ? queue.concat(due) : due;
      if (queue.length > maxBacklog) {
        const over = queue.length - maxBacklog;
        queue = queue.slice(over);
        stats.dropped += over;
        warn('backlog', { dropped: over }, `simulator: backlog full; ${over} oldest events dropped`);
      }
      while (queue.length && !stopped) {
        const batch = queue.length <= MAX_BATCH ? queue : queue.slice(0, MAX_BATCH);
        const outcome = await post(batch);
        if (outcome === 'retry') break;
        queue = queue.length <= MAX_BATCH ? [] : queue.slice(batch.length);
      }
      stats.pending = queue.length;
    } catch (e) {
      // Nothing above should throw; if it does, log and keep going rather than take the hub down.
      warn('tick', { err: e }, `simulator: tick failed: ${(e as Error).message}`);
    }
  }

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      const started = now();
      current = tick().finally(() => {
        current = null;
        schedule(Math.max(0, batchMs - (now() - started)));
      });
    }, delay);
    timer.unref?.();
  };

  log.info(
    {
      ratePerSec: opts.ratePerSec,
      batchMs,
      runId,
      url,
      grids: opts.world.grids.length,
      cameras: opts.world.cameras.length,
      fences: opts.world.fences.length,
      facilities: opts.world.facilities.length,
      gates: opts.world.gates.length,
      residents: opts.world.residents?.length ?? 0,
    },
    'simulator: started',
  );
  schedule(batchMs);

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const inFlight = current;
      if (inFlight) {
        const grace = setTimeout(() => abort.abort(), STOP_GRACE_MS);
        await inFlight;
        clearTimeout(grace);
      }
      abort.abort();
      stats.pending = queue.length;
      log.info({ ...stats }, 'simulator: stopped');
    },
    get stats() {
      return { ...stats, pending: queue.length };
    },
  };
}
