/**
 * The history generated on a worker thread (generate-worker.js) and streamed to the caller in
 * slices, as the demo city is (server/demo/thread.ts): generating a full city's year takes tens of
 * seconds of CPU, which on the hub's main thread would hold /healthz, and its garbage would pause
 * it. The worker starts generating at once (while the main thread inserts the city), and hands a
 * slice each time the previous one was handled. Same inputs, same history as generateHistory.
 */
import { Worker } from 'node:worker_threads';
import type { NewAlarm } from '@server/repositories/alarm.repository';
import type { NewEvent } from '@server/repositories/event.repository';
import type { SourceEntry, TimelineEntry } from '@shared/incident-facts';
import type { HistoryIncidentRow } from './generate';

/** One slice: incidents with their timelines and sources, or alarms, or events (in that order). */
export type HistorySlice =
  | { part: 'incidents'; items: { incident: HistoryIncidentRow; timeline: TimelineEntry[]; sources: SourceEntry[] }[] }
  | { part: 'alarms'; items: NewAlarm[] }
  | { part: 'events'; items: NewEvent[] };

export interface HistoryTotals {
  incidents: number;
  alarms: number;
  events: number;
  generatedMs: number;
}

type Message = { ready: true; totals: HistoryTotals } | { done: true } | HistorySlice | { error: string };

export interface HistoryStream {
  /** Wait for the history to be generated; then its totals. */
  ready: Promise<HistoryTotals>;
  /** Hand each slice to `onSlice`, the next when its promise settles; rejects when it throws or the worker fails. */
  drain(onSlice: (s: HistorySlice) => Promise<void>, signal?: AbortSignal): Promise<void>;
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
    async drain(onSlice, signal) {
      await ready;
      await new Promise<void>((resolve, reject) => {
        if (failed) return reject(failed);
        const onAbort = () => reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal?.addEventListener('abort', onAbort, { once: true });
        failures.push(reject);
        onMessage = (m) => {
          if ('error' in m) return fail(new Error(m.error));
          if ('done' in m) {
            signal?.removeEventListener('abort', onAbort);
            return resolve();
          }
          if ('part' in m)
            onSlice(m).then(() => {
              if (!signal?.aborted) worker.postMessage('next');
            }, reject);
        };
        worker.postMessage('next');
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
