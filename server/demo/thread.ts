/**
 * The demo city, generated on a worker thread (generate-worker.js) and streamed to the caller in
 * slices, for the hub's start-up. The generator is pure and big (seconds of CPU for the full city
 * on a busy machine), and on the main thread it held the event loop, and /healthz with it, for all
 * of that; so did the garbage of a whole World kept there while it was inserted. Here each slice
 * is pulled once the previous one is handled (inserted), so the main thread holds one slice at a
 * time, and deserialises it in a few ms. Same (scale, seed), same city as generateDemoCity.
 */
import { Worker } from 'node:worker_threads';
import type { World } from '@shared/world';
import type { DemoOptions, SeedAccess } from './index';

/** The parts a stream may carry: a World's, and the seed's access events. */
export interface DemoParts extends World {
  seedAccess: SeedAccess[];
}
export type DemoPart = keyof DemoParts;

type Message =
  { ready: true; totals: Partial<Record<DemoPart, number>> } | { done: true } | { part: DemoPart; items: unknown[] };

export interface StreamOptions<K extends keyof World> {
  /** The World parts wanted, in this order (regions arrive city first, then by level). */
  parts: readonly K[];
  /** Also the living-alone residents' last access before this time, as the last part 'seedAccess'. */
  seedMs?: number;
  signal?: AbortSignal | undefined;
  /** Told each part's length before the first slice. */
  onTotals?: (totals: Partial<Record<DemoPart, number>>) => void;
}

/**
 * Generate the city of (scale, seed) off the main thread and hand its parts to `onSlice`, one
 * slice at a time (the next is asked for when the promise `onSlice` returns settles).
 * Rejects when `signal` aborts or `onSlice` throws; the worker is gone either way.
 */
export async function streamDemoCity<K extends keyof World>(
  opts: DemoOptions,
  stream: StreamOptions<K>,
  onSlice: <P extends K | 'seedAccess'>(part: P, items: DemoParts[P]) => Promise<void>,
): Promise<void> {
  const { signal } = stream;
  signal?.throwIfAborted();
  const worker = new Worker(new URL('./generate-worker.js', import.meta.url), {
    workerData: { scale: opts.scale, seed: opts.seed, parts: stream.parts, seedMs: stream.seedMs },
    // The worker loads TypeScript through tsx's API itself; it needs no loader flags.
    execArgv: [],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const fail = (e: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the demo city generator stopped (exit code ${code})`)));
      worker.on('message', (m: Message) => {
        if ('done' in m) {
          signal?.removeEventListener('abort', onAbort);
          return resolve();
        }
        if ('ready' in m) {
          stream.onTotals?.(m.totals);
          return worker.postMessage('next');
        }
        onSlice(m.part as K, m.items as DemoParts[K]).then(() => {
          if (!signal?.aborted) worker.postMessage('next');
        }, fail);
      });
    });
  } finally {
    await worker.terminate();
  }
}
