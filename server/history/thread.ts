/**
 * The history generated on a worker thread (generate-worker.js) and streamed to the caller in
 * slices, as the demo city is (server/demo/thread.ts): generating a full city's year takes tens of
 * seconds of CPU, which on the hub's main thread would hold /healthz, and its garbage would pause
 * it. The worker starts generating at once (while the main thread inserts the city), and hands a
 * slice each time one was handled (two on their way at a time), as the batches to insert, preparing
 * the next meanwhile. Same inputs, same history as generateHistory.
 */
import { Worker } from 'node:worker_threads';
import type { NewAlarm } from '@server/repositories/alarm.repository';
import type { HistoryBatch } from '@server/repositories/history.repository';
import type { NewEvent } from '@server/repositories/event.repository';
import type { SourceEntry, TimelineEntry } from '@shared/incident-facts';
import type { HistoryIncidentRow } from './generate';

/** One slice: incidents with their timelines and sources, or alarms, or events (in that order). */
export type HistorySlice =
  | { part: 'incidents'; items: { incident: HistoryIncidentRow; timeline: TimelineEntry[]; sources: SourceEntry[] }[] }
  | { part: 'alarms'; items: NewAlarm[] }
  | { part: 'events'; items: NewEvent[] };

/** The accounts the history's actors map to: [username or unit id, account id] (prepare.ts). */
export type ActorMap = readonly (readonly [string, string])[];

/** A slice as the worker hands it: its batches, ready to insert (prepare.ts). */
export interface PreparedSlice {
  part: HistorySlice['part'];
  rows: number;
  batches: HistoryBatch[];
}

export interface HistoryTotals {
  incidents: number;
  alarms: number;
  events: number;
  generatedMs: number;
}

type Message = { ready: true; totals: HistoryTotals } | { done: true } | PreparedSlice | { error: string };

export interface HistoryStream {
  /** Wait for the history to be generated; then its totals. */
  ready: Promise<HistoryTotals>;
  /**
   * Hand each slice, its actors mapped by `actors`, to `onSlice`, the next when its promise
   * settles; rejects when it throws or the worker fails.
   */
  drain(actors: ActorMap, onSlice: (s: PreparedSlice) => Promise<void>, signal?: AbortSignal): Promise<void>;
  /** Stop the worker (also when the history is not wanted after all). */
  close(): Promise<void>;
}

/** Start generating the history of the demo city (scale, seed) for a hub starting at `startMs`. */
export function startHistory(opts: {
  scale: 'full' | 'small';
  seed: number;
  startMs: number;
  months: number;
}): HistoryStream {
  const worker = new Worker(new URL('./generate-worker.js', import.meta.url), { workerData: opts, execArgv: [] });
  let onMessage: ((m: Message) => void) | null = null;
  let failed: Error | null = null;
  const failures: ((e: Error) => void)[] = [];
  const fail = (e: unknown) => {
    failed ??= e instanceof Error ? e : new Error(String(e));
    for (const f of failures.splice(0)) f(failed);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the history generator stopped (exit code ${code})`)));
  const ready = new Promise<HistoryTotals>((resolve, reject) => {
    failures.push(reject);
    onMessage = (m) => {
      if ('error' in m) return fail(new Error(m.error));
      if ('ready' in m) resolve(m.totals);
    };
  });
  ready.catch(() => undefined);
  worker.on('message', (m: Message) => onMessage?.(m));
  return {
    ready,
    async drain(actors, onSlice, signal) {
      await ready;
      await new Promise<void>((resolve, reject) => {
        if (failed) return reject(failed);
        const onAbort = () => reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal?.addEventListener('abort', onAbort, { once: true });
        failures.push(reject);
        // Two slices asked for at a time: the next crosses the threads while this one is inserted.
        const queue: PreparedSlice[] = [];
        let busy = false;
        let ended = false;
        const pump = () => {
          if (busy) return;
          const next = queue.shift();
          if (!next) {
            if (ended) {
              signal?.removeEventListener('abort', onAbort);
              resolve();
            }
            return;
          }
          busy = true;
          onSlice(next).then(() => {
            busy = false;
            if (signal?.aborted) return;
            if (!ended) worker.postMessage('next');
            pump();
          }, reject);
        };
        onMessage = (m) => {
          if ('error' in m) return fail(new Error(m.error));
          if ('done' in m) ended = true;
          else if ('part' in m) queue.push(m);
          pump();
        };
        worker.postMessage({ actors });
        worker.postMessage('next');
        worker.postMessage('next');
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
