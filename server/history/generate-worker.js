/**
 * The demo city's history generated on a thread of its own (see thread.ts). Plain JavaScript that
 * loads the TypeScript generator through tsx's API, so it starts under tsx, vitest and node alike.
 *
 * workerData: {scale, seed, startMs, months}. It generates the city (the same as the hub's, from
 * the same scale and seed) and its history, and answers {ready, totals}. Then it takes {actors}
 * (the accounts' ids by username and unit: prepare.ts) and answers each 'next' with one slice as
 * the batches the hub inserts ({part, rows, batches}): incidents (with their timelines and
 * sources), then alarms, then events; then {done: true}. It prepares the next slice as soon as it
 * has posted one, while the hub's database inserts that one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

/** Rows per slice: a few ms to deserialise, a batch worth one statement. */
const INCIDENTS_PER_SLICE = 1_000;
const ROWS_PER_SLICE = 4_000;

try {
  const t0 = performance.now();
  const demo = await tsImport('../demo/index.ts', import.meta.url);
  const history = await tsImport('./generate.ts', import.meta.url);
  const { prepareSlice } = await tsImport('./prepare.ts', import.meta.url);
  const opts = { scale: workerData.scale, seed: workerData.seed };
  const world = demo.generateDemoCity(opts);
  const h = history.generateHistory(world, {
    ...opts,
    startMs: workerData.startMs,
    months: workerData.months,
    staff: history.demoStaff(world),
  });
  const generatedMs = Math.round(performance.now() - t0);
  function* slices() {
    for (let i = 0; i < h.incidents.length; i += INCIDENTS_PER_SLICE) {
      const items = [];
      for (let k = i; k < Math.min(h.incidents.length, i + INCIDENTS_PER_SLICE); k++)
        items.push({ incident: h.incidents[k], timeline: h.timelines[k], sources: h.sources[k] });
      yield { part: 'incidents', items };
    }
    for (let i = 0; i < h.alarms.length; i += ROWS_PER_SLICE)
      yield { part: 'alarms', items: h.alarms.slice(i, i + ROWS_PER_SLICE) };
    for (let i = 0; i < h.events.length; i += ROWS_PER_SLICE)
      yield { part: 'events', items: h.events.slice(i, i + ROWS_PER_SLICE) };
  }
  const it = slices();
  let actors = [];
  /** The next slice, prepared while the hub inserts the one before. */
  let ahead = null;
  const prepare = () => {
    const next = it.next();
    return next.done
      ? { done: true }
      : { part: next.value.part, rows: next.value.items.length, batches: prepareSlice(next.value, actors) };
  };
  parentPort.on('message', (m) => {
    if (m && typeof m === 'object' && 'actors' in m) {
      actors = m.actors;
      return;
    }
    const next = ahead ?? prepare();
    ahead = null;
    parentPort.postMessage(next);
    if (!next.done) setImmediate(() => (ahead ??= prepare()));
  });
  parentPort.postMessage({
    ready: true,
    totals: { incidents: h.incidents.length, alarms: h.alarms.length, events: h.events.length, generatedMs },
  });
} catch (e) {
  parentPort.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
