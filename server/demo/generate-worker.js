/**
 * The demo city generated on a thread of its own (see thread.ts): ~0.7 s of CPU for the full city
 * on an idle core, several seconds on a busy one, which on the hub's main thread held /healthz,
 * sockets and MQTT acknowledgements. Plain JavaScript that loads the TypeScript generator through
 * tsx's API, so it starts under tsx, vitest and node alike.
 *
 * workerData: {scale, seed, parts: string[], seedMs?: number}. It answers {ready, totals}, then each
 * 'next' with one slice {part, items} of the parts in the order given, then {done: true}. Regions
 * come city first, then by level (parents before children). With `seedMs`, a last part
 * 'seedAccess' holds the living-alone residents' last access before the seed (residents.ts).
 * Slices are small (a few ms to deserialise) and pulled one at a time, so the main thread never
 * holds more than one, nor spends long on one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

/** About this many numbers and strings per slice. */
const SLICE_BUDGET = 40_000;

/** Numbers and strings in a value (a cheap stand-in for its serialised size). */
function weight(v) {
  let n = 1;
  if (Array.isArray(v)) {
    for (const x of v) n += typeof x === 'object' && x !== null ? weight(x) : 1;
  } else if (typeof v === 'object' && v !== null) {
    for (const k in v) {
      const x = v[k];
      n += typeof x === 'object' && x !== null ? weight(x) : 1;
    }
  }
  return n;
}

function* slices(lists) {
  for (const [part, list] of lists) {
    let from = 0;
    let budget = 0;
    for (let i = 0; i < list.length; i++) {
      budget += weight(list[i]);
      if (budget >= SLICE_BUDGET) {
        yield { part, items: list.slice(from, i + 1) };
        from = i + 1;
        budget = 0;
      }
    }
    if (from < list.length) yield { part, items: list.slice(from) };
  }
}

const demo = await tsImport('./index.ts', import.meta.url);
const { REGION_LEVELS } = await tsImport('../../shared/world.ts', import.meta.url);
const opts = { scale: workerData.scale, seed: workerData.seed };
const world = demo.generateDemoCity(opts);
world.regions = [...world.regions].sort((a, b) => REGION_LEVELS.indexOf(a.level) - REGION_LEVELS.indexOf(b.level));
const lists = workerData.parts.map((p) => [p, world[p]]);
if (workerData.seedMs !== undefined)
  lists.push(['seedAccess', demo.generateSeedAccess(opts, world.residents, world.smartCommunities, workerData.seedMs)]);
const totals = Object.fromEntries(lists.map(([p, l]) => [p, l.length]));
const it = slices(lists);
parentPort.on('message', () => {
  const next = it.next();
  parentPort.postMessage(next.done ? { done: true } : next.value);
});
parentPort.postMessage({ ready: true, totals });
