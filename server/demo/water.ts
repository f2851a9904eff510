/**
 * Where the basemap's water is: the rivers' and lakes' polygons behind one index, the query every
 * later step asks (roads stop or bridge at water, parks keep dry, objects move ashore): what water
 * is at a point, and which bank of the Gan a point is on.
 */
import type { BasemapFeature, LonLat } from '@shared/world';
import type { LocalFrame } from './geo';
import { resample, type Plane, type RingIndex, type XY } from './plane';

export type WaterKind = 'gan' | 'tributary' | 'lake';

/** Cell of the coarse "is any water near" grid, and of the Gan station buckets, metres. */
const COARSE_M = 250;
const GAN_BUCKET_M = 1_000;

export interface Station {
  p: XY;
  /** Unit normal to the left of the direction of flow. */
  n: XY;
}

export interface WaterBody {
  kind: WaterKind;
  name: string;
  ring: XY[];
  index: RingIndex;
  /** Centre line (rivers). */
  line?: XY[];
}

/** Where the water is: the query every later step (roads, parks, moving objects ashore) asks. */
export class WaterIndex {
  /** Coarse cells that some water touches: most queries end at one array read. */
  private readonly near: Uint8Array;
  private readonly cols: number;
  private readonly rows: number;
  private readonly x0: number;
  private readonly y0: number;
  /** Gan stations by coarse cell, for the nearest-station search of ganSide. */
  private readonly ganBuckets = new Map<number, number[]>();

  constructor(
    readonly frame: LocalFrame,
    private readonly bodies: readonly WaterBody[],
    private readonly gan: readonly Station[],
  ) {
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (const b of bodies) {
      minX = Math.min(minX, b.index.minX);
      minY = Math.min(minY, b.index.minY);
      maxX = Math.max(maxX, b.index.maxX);
      maxY = Math.max(maxY, b.index.maxY);
    }
    if (!Number.isFinite(minX)) minX = minY = maxX = maxY = 0;
    this.x0 = minX - COARSE_M;
    this.y0 = minY - COARSE_M;
    this.cols = Math.ceil((maxX - this.x0) / COARSE_M) + 2;
    this.rows = Math.ceil((maxY - this.y0) / COARSE_M) + 2;
    this.near = new Uint8Array(this.cols * this.rows);
    for (const b of bodies) {
      // Cells the shore passes through, then cells whose centre is in the water.
      for (const p of resample(b.ring, COARSE_M / 4)) this.mark(p[0], p[1]);
      const c0 = Math.floor((b.index.minX - this.x0) / COARSE_M);
      const c1 = Math.floor((b.index.maxX - this.x0) / COARSE_M);
      const r0 = Math.floor((b.index.minY - this.y0) / COARSE_M);
      const r1 = Math.floor((b.index.maxY - this.y0) / COARSE_M);
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          if (b.index.contains(this.x0 + (c + 0.5) * COARSE_M, this.y0 + (r + 0.5) * COARSE_M))
            this.near[r * this.cols + c] = 1;
        }
      }
    }
    gan.forEach((s, i) => {
      const key = this.bucket(s.p[0], s.p[1]);
      const list = this.ganBuckets.get(key);
      if (list) list.push(i);
      else this.ganBuckets.set(key, [i]);
    });
  }

  private mark(x: number, y: number): void {
    const c = Math.floor((x - this.x0) / COARSE_M);
    const r = Math.floor((y - this.y0) / COARSE_M);
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const rr = r + dr;
        const cc = c + dc;
        if (rr >= 0 && cc >= 0 && rr < this.rows && cc < this.cols) this.near[rr * this.cols + cc] = 1;
      }
    }
  }

  private bucket(x: number, y: number): number {
    return Math.floor(y / GAN_BUCKET_M) * 100_000 + Math.floor(x / GAN_BUCKET_M);
  }

  kindAt(x: number, y: number): WaterKind | null {
    const c = Math.floor((x - this.x0) / COARSE_M);
    const r = Math.floor((y - this.y0) / COARSE_M);
    if (c < 0 || r < 0 || c >= this.cols || r >= this.rows || this.near[r * this.cols + c] === 0) return null;
    for (const b of this.bodies) if (b.index.contains(x, y)) return b.kind;
    return null;
  }

  isWet(p: LonLat): boolean {
    return this.kindAt(this.frame.x(p[0]), this.frame.y(p[1])) !== null;
  }

  /** Which side of the Gan a point is on: +1 left (west bank), -1 right (east bank). */
  ganSide(p: LonLat): 1 | -1 {
    const x = this.frame.x(p[0]);
    const y = this.frame.y(p[1]);
    let best = -1;
    let bestD = Infinity;
    const consider = (i: number) => {
      const s = this.gan[i]!.p;
      const d = (s[0] - x) ** 2 + (s[1] - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    };
    const bx = Math.floor(x / GAN_BUCKET_M);
    const by = Math.floor(y / GAN_BUCKET_M);
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++)
        for (const i of this.ganBuckets.get((by + dy) * 100_000 + bx + dx) ?? []) consider(i);
    if (best < 0) for (let i = 0; i < this.gan.length; i++) consider(i);
    const st = this.gan[best];
    if (!st) return 1;
    return (x - st.p[0]) * st.n[0] + (y - st.p[1]) * st.n[1] >= 0 ? 1 : -1;
  }
}

/** The water as features: every body's polygon (`water-01` …), then the rivers' centre lines. */
export function waterFeatures(bodies: readonly WaterBody[], plane: Plane): BasemapFeature[] {
  const { toLonLat, ring } = plane;
  const features: BasemapFeature[] = [];
  let nWater = 0;
  for (const b of bodies) {
    features.push({
      id: `water-${String(++nWater).padStart(2, '0')}`,
      kind: 'water',
      class: b.kind === 'lake' ? 'lake' : 'river',
      name: b.name,
      geometry: { type: 'Polygon', coordinates: [ring(b.ring)] },
    });
  }
  // River centre lines: labels along the river, and a thin line where the river is under a pixel.
  for (const b of bodies) {
    if (!b.line) continue;
    features.push({
      id: `water-${String(++nWater).padStart(2, '0')}`,
      kind: 'water',
      class: 'waterway',
      name: b.name,
      geometry: { type: 'LineString', coordinates: resample(b.line, 400).map(toLonLat) },
    });
  }
  return features;
}
