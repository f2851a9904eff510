/**
 * Point → grid lookup, built from Region boundaries alone (no generator internals), so the server
 * can use it for any world it loads: locating incidents, alarms, units and reports.
 *
 * A uniform bucket index over the grids' bounding boxes narrows each query to a handful of
 * candidates, then an exact point-in-polygon test decides. Building it for ~10,000 grids takes a
 * few milliseconds; a query takes about a microsecond.
 *
 * Points exactly on an edge shared by two grids are given to exactly one of them (see
 * pointInRing), so `locate` is total over the city and never ambiguous.
 *
 * createGridLocatorAsync builds the same index in slices that let the event loop through (a hub
 * building it while probes, sockets and a broker's backlog wait).
 */
import type { LonLat, MultiPolygon, Region } from '@shared/world';
import { pointInMultiPolygon } from './geo';

export interface GridLocator {
  /** Code of the grid containing the point, or null outside every grid. */
  locate(position: LonLat): string | null;
  /** Codes of every grid containing the point (one inside a valid tiling, none outside it). */
  locateAll(position: LonLat): string[];
  /** Number of grids indexed. */
  readonly size: number;
}

export function createGridLocator(regions: readonly Region[]): GridLocator {
  const steps = buildSteps(regions);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The same index, built in slices of about `sliceMs` of work with the event loop let through between them. */
export async function createGridLocatorAsync(regions: readonly Region[], sliceMs = 10): Promise<GridLocator> {
  const steps = buildSteps(regions);
  let t = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - t >= sliceMs) {
      await new Promise((res) => setImmediate(res));
      t = performance.now();
    }
  }
}

/** Grids between two chances to pause. */
const STEP = 512;

/** The builder, pausing (yield) every STEP grids of each pass; returns the locator. */
function* buildSteps(regions: readonly Region[]): Generator<void, GridLocator> {
  const grids = regions.filter((r) => r.level === 'grid');
  const n = grids.length;
  const codes: string[] = grids.map((g) => g.code);
  const shapes: MultiPolygon[] = grids.map((g) => g.boundary);
  const bb = new Float64Array(4 * n); // minLon, minLat, maxLon, maxLat per grid
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (i % STEP === STEP - 1) yield;
    const g = grids[i]!;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const poly of g.boundary) {
      for (const p of poly[0] ?? []) {
        if (p[0] < x0) x0 = p[0];
        if (p[0] > x1) x1 = p[0];
        if (p[1] < y0) y0 = p[1];
        if (p[1] > y1) y1 = p[1];
      }
    }
    bb[4 * i] = x0;
    bb[4 * i + 1] = y0;
    bb[4 * i + 2] = x1;
    bb[4 * i + 3] = y1;
    minX = Math.min(minX, x0);
    minY = Math.min(minY, y0);
    maxX = Math.max(maxX, x1);
    maxY = Math.max(maxY, y1);
  }

  // About two buckets per grid on average.
  const w = Math.max(maxX - minX, 1e-9);
  const h = Math.max(maxY - minY, 1e-9);
  const side = n > 0 ? Math.sqrt((w * h) / (2 * n)) : 1;
  const nx = Math.max(1, Math.ceil(w / side));
  const ny = Math.max(1, Math.ceil(h / side));
  const bx = (lon: number) => Math.min(nx - 1, Math.max(0, Math.floor(((lon - minX) / w) * nx)));
  const by = (lat: number) => Math.min(ny - 1, Math.max(0, Math.floor(((lat - minY) / h) * ny)));

  // Compressed bucket lists: start[b] .. start[b + 1] index into items.
  const start = new Int32Array(nx * ny + 1);
  const forEachBucket = (i: number, f: (b: number) => void) => {
    const x0 = bx(bb[4 * i]!);
    const x1 = bx(bb[4 * i + 2]!);
    const y0 = by(bb[4 * i + 1]!);
    const y1 = by(bb[4 * i + 3]!);
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) f(y * nx + x);
  };
  for (let i = 0; i < n; i++) {
    if (i % STEP === STEP - 1) yield;
    forEachBucket(i, (b) => start[b + 1]!++);
  }
  for (let b = 0; b < nx * ny; b++) start[b + 1]! += start[b]!;
  const fill = start.slice(0, nx * ny);
  const items = new Int32Array(start[nx * ny]!);
  for (let i = 0; i < n; i++) {
    if (i % STEP === STEP - 1) yield;
    forEachBucket(i, (b) => (items[fill[b]!++] = i));
  }

  const candidates = (lon: number, lat: number, all: boolean): number[] => {
    const out: number[] = [];
    if (!(lon >= minX && lon <= maxX && lat >= minY && lat <= maxY)) return out;
    const b = by(lat) * nx + bx(lon);
    for (let t = start[b]!; t < start[b + 1]!; t++) {
      const i = items[t]!;
      if (lon < bb[4 * i]! || lon > bb[4 * i + 2]! || lat < bb[4 * i + 1]! || lat > bb[4 * i + 3]!) continue;
      if (pointInMultiPolygon(lon, lat, shapes[i]!)) {
        out.push(i);
        if (!all) break;
      }
    }
    return out;
  };

  return {
    size: n,
    locate(position) {
      const i = candidates(position[0], position[1], false)[0];
      return i === undefined ? null : codes[i]!;
    },
    locateAll(position) {
      return candidates(position[0], position[1], true).map((i) => codes[i]!);
    },
  };
}
