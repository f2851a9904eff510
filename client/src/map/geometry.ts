/**
 * Pure geometry over the compact layers' typed arrays: no Vue, no deck.gl. Unit-tested.
 */
import type { PackedLayer } from '@shared/packed';
import type { Bounds } from './mapContext';

const M_PER_DEG_LAT = 110_574;
const mPerDegLon = (lat: number): number => 111_320 * Math.cos((lat * Math.PI) / 180);

/** For single-ring polygon layers (grids, compounds) and outlines: each feature's first outer ring. */
export interface Rings {
  /** Vertex index where each feature's outer ring starts, plus one past the end (features + 1). */
  starts: Uint32Array;
  positions: Float32Array;
}

/** The outer ring of every feature's first polygon (enough for grids and compounds: one ring each). */
export function outerRings(layer: PackedLayer): Rings {
  const pos = layer.numeric('position') as Float32Array;
  const ringStart = layer.numeric('ringStart');
  const polygonStart = layer.numeric('polygonStart');
  const featureStart = layer.numeric('featureStart');
  const n = layer.header.count;
  const starts = new Uint32Array(n + 1);
  const out: number[] = [];
  let v = 0;
  for (let f = 0; f < n; f++) {
    starts[f] = v;
    const ring = polygonStart[featureStart[f]!]!;
    for (let i = ringStart[ring]!; i < ringStart[ring + 1]!; i++) {
      out.push(pos[2 * i]!, pos[2 * i + 1]!);
      v++;
    }
  }
  starts[n] = v;
  return { starts, positions: Float32Array.from(out) };
}

/** Every ring of every feature as a path (outlines of multi-part regions and holes included). */
export function allRings(layer: PackedLayer): { starts: Uint32Array; positions: Float32Array } {
  return { starts: Uint32Array.from(layer.numeric('ringStart')), positions: layer.numeric('position') as Float32Array };
}

/** Bounding box of feature f of a polygon layer. */
export function featureBounds(layer: PackedLayer, f: number): Bounds {
  const pos = layer.numeric('position');
  const ringStart = layer.numeric('ringStart');
  const polygonStart = layer.numeric('polygonStart');
  const featureStart = layer.numeric('featureStart');
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  const v0 = ringStart[polygonStart[featureStart[f]!]!]!;
  const v1 = ringStart[polygonStart[featureStart[f + 1]!]!]!;
  for (let i = v0; i < v1; i++) {
    const x = pos[2 * i]!,
      y = pos[2 * i + 1]!;
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

/** Area in km² of a ring given as vertex range of an interleaved array (local equirectangular). */
export function ringAreaKm2(pos: ArrayLike<number>, from: number, to: number): number {
  if (to - from < 3) return 0;
  const lat0 = pos[2 * from + 1]!;
  const kx = mPerDegLon(lat0);
  let a = 0;
  for (let i = from; i < to - 1; i++) {
    a += pos[2 * i]! * kx * pos[2 * i + 3]! * M_PER_DEG_LAT - pos[2 * i + 2]! * kx * pos[2 * i + 1]! * M_PER_DEG_LAT;
  }
  return Math.abs(a) / 2 / 1e6;
}

/** Count of items per dictionary value (e.g. cameras per grid code), keyed by the value. */
export function countByDict(
  codes: ArrayLike<number>,
  values: readonly string[],
  mask?: Uint8Array,
): Map<string, number> {
  const perCode = new Uint32Array(values.length);
  for (let i = 0; i < codes.length; i++) if (!mask || mask[i]) perCode[codes[i]!]!++;
  const out = new Map<string, number>();
  values.forEach((v, c) => {
    const n = perCode[c] ?? 0;
    if (n > 0) out.set(v, n);
  });
  return out;
}

/** Sum counts keyed by region code up to a coarser level by code prefix (6 district, 9 street, 12 community). */
export function rollUp(counts: Map<string, number>, prefixLength: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [code, n] of counts) {
    const k = code.slice(0, prefixLength);
    out.set(k, (out.get(k) ?? 0) + n);
  }
  return out;
}

/**
 * A camera's field-of-view sector as a closed ring: apex at the camera, `steps` points along the
 * arc of radius rangeM from heading − fov/2 to heading + fov/2 (compass degrees).
 */
export function fovSector(
  lon: number,
  lat: number,
  headingDeg: number,
  fovDeg: number,
  rangeM: number,
  steps = 8,
): number[] {
  const kx = mPerDegLon(lat);
  const ring = [lon, lat];
  for (let s = 0; s <= steps; s++) {
    const b = ((headingDeg - fovDeg / 2 + (fovDeg * s) / steps) * Math.PI) / 180;
    ring.push(lon + (Math.sin(b) * rangeM) / kx, lat + (Math.cos(b) * rangeM) / M_PER_DEG_LAT);
  }
  ring.push(lon, lat);
  return ring;
}

export function inBounds(x: number, y: number, b: Bounds): boolean {
  return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
}

/** Quantile class breaks (k classes) of the positive values; zeros form their own class. */
export function quantileBreaks(values: ArrayLike<number>, k: number): number[] {
  const sorted = Array.from(values)
    .filter((v) => v > 0)
    .sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const breaks: number[] = [];
  for (let i = 1; i < k; i++) breaks.push(sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / k))]!);
  return breaks;
}

export function classOf(v: number, breaks: readonly number[]): number {
  if (v <= 0) return -1;
  let c = 0;
  while (c < breaks.length && v >= breaks[c]!) c++;
  return c;
}

/** Straight segments of a set of paths, as deck.gl LineLayer binary attributes. */
export interface Segments {
  length: number;
  /** Path (feature or ring) each segment belongs to, for per-path accessors. */
  pathOf: Uint32Array;
  attributes: {
    getSourcePosition: { value: Float32Array; size: 2 };
    getTargetPosition: { value: Float32Array; size: 2 };
  };
}

/**
 * Cut paths (`starts`: first vertex of each path, plus one past the end) into segments. `close`
 * adds the segment from a ring's last vertex back to its first when the ring does not repeat it.
 * Outlines are drawn as segments (deck.gl LineLayer) rather than joined paths (PathLayer): at the
 * 1-5 px widths of our outlines the joins do not show, and LineLayer's shader costs a third of
 * PathLayer's to compile on software WebGL (see BENCHMARKS.md).
 */
export function segments(starts: ArrayLike<number>, positions: ArrayLike<number>, close: boolean): Segments {
  const paths = starts.length - 1;
  const closes = (a: number, b: number): boolean =>
    close &&
    b - a > 2 &&
    (positions[2 * a] !== positions[2 * (b - 1)] || positions[2 * a + 1] !== positions[2 * (b - 1) + 1]);
  let n = 0;
  for (let p = 0; p < paths; p++) {
    const a = starts[p]!,
      b = starts[p + 1]!;
    if (b - a >= 2) n += b - a - 1 + (closes(a, b) ? 1 : 0);
  }
  const src = new Float32Array(2 * n),
    dst = new Float32Array(2 * n),
    pathOf = new Uint32Array(n);
  let k = 0;
  const put = (p: number, i: number, j: number): void => {
    src[2 * k] = positions[2 * i]!;
    src[2 * k + 1] = positions[2 * i + 1]!;
    dst[2 * k] = positions[2 * j]!;
    dst[2 * k + 1] = positions[2 * j + 1]!;
    pathOf[k++] = p;
  };
  for (let p = 0; p < paths; p++) {
    const a = starts[p]!,
      b = starts[p + 1]!;
    if (b - a < 2) continue;
    for (let i = a; i + 1 < b; i++) put(p, i, i + 1);
    if (closes(a, b)) put(p, b - 1, a);
  }
  return {
    length: n,
    pathOf,
    attributes: { getSourcePosition: { value: src, size: 2 }, getTargetPosition: { value: dst, size: 2 } },
  };
}
