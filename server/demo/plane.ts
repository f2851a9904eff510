/**
 * Planar helpers for the basemap, in the lattice's local metric frame (metres east/north): points
 * and polylines (XY), corner cutting and resampling, ring areas, a banded point-in-ring index, and
 * the city's plane (metres ↔ degrees, rounded to 1e-6 degree on output).
 */
import type { LonLat } from '@shared/world';
import { round6 } from '@shared/geo';
import type { CityContext } from './context';
import type { LocalFrame } from './geo';

export type XY = [number, number];

/** A box in metres. */
export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The lattice frame as the basemap draws in it. */
export interface Plane {
  frame: LocalFrame;
  toXY: (p: readonly [number, number]) => XY;
  /** Degrees, rounded to 1e-6. */
  toLonLat: (p: XY) => LonLat;
  /** A closed ring in degrees that stays closed after rounding. */
  ring: (pts: XY[]) => LonLat[];
  /** Inside the city (some grid). */
  inCity: (p: XY) => boolean;
}

export function cityPlane(ctx: CityContext): Plane {
  const frame = ctx.lat.frame;
  const toXY = (p: readonly [number, number]): XY => [frame.x(p[0]), frame.y(p[1])];
  const toLonLat = (p: XY): LonLat => [round6(frame.lon(p[0])), round6(frame.lat(p[1]))];
  const ring = (pts: XY[]): LonLat[] => {
    const r = pts.map(toLonLat);
    r[r.length - 1] = r[0]!; // stays closed after rounding
    return r;
  };
  const inCity = (p: XY): boolean => ctx.locator.locate(toLonLat(p)) !== null;
  return { frame, toXY, toLonLat, ring, inCity };
}

export const dist = (a: XY, b: XY): number => Math.hypot(b[0] - a[0], b[1] - a[1]);
export const lerp = (a: XY, b: XY, t: number): XY => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];

/** Chaikin corner cutting of an open polyline; the end points stay. */
export function chaikin(pts: XY[], iterations: number): XY[] {
  let p = pts;
  for (let it = 0; it < iterations && p.length > 2; it++) {
    const out: XY[] = [p[0]!];
    for (let i = 0; i + 1 < p.length; i++) out.push(lerp(p[i]!, p[i + 1]!, 0.25), lerp(p[i]!, p[i + 1]!, 0.75));
    out.push(p[p.length - 1]!);
    p = out;
  }
  return p;
}

/** Points every `step` metres along a polyline (the last point included). */
export function resample(pts: XY[], step: number): XY[] {
  const out: XY[] = [pts[0]!];
  let carry = 0;
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    const len = dist(a, b);
    let s = step - carry;
    while (s <= len) {
      out.push(lerp(a, b, s / len));
      s += step;
    }
    carry = len - (s - step);
  }
  const last = pts[pts.length - 1]!;
  if (dist(out[out.length - 1]!, last) > step * 0.25) out.push(last);
  return out;
}

export function ringArea(ring: readonly XY[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s / 2;
}

/** Point-in-ring by crossing number, over edges bucketed into horizontal bands. */
export class RingIndex {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  private readonly bands: number[][] = [];
  private readonly bandH: number;

  constructor(readonly ring: readonly XY[]) {
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (const [x, y] of ring) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    const nBands = Math.max(1, Math.min(4_096, Math.ceil(ring.length / 4)));
    this.bandH = (maxY - minY) / nBands || 1;
    for (let b = 0; b < nBands; b++) this.bands.push([]);
    for (let i = 0; i + 1 < ring.length; i++) {
      const y0 = Math.min(ring[i]![1], ring[i + 1]![1]);
      const y1 = Math.max(ring[i]![1], ring[i + 1]![1]);
      const b0 = this.band(y0);
      const b1 = this.band(y1);
      for (let b = b0; b <= b1; b++) this.bands[b]!.push(i);
    }
  }

  private band(y: number): number {
    return Math.max(0, Math.min(this.bands.length - 1, Math.floor((y - this.minY) / this.bandH)));
  }

  contains(x: number, y: number): boolean {
    if (x < this.minX || x > this.maxX || y < this.minY || y > this.maxY) return false;
    let inside = false;
    for (const i of this.bands[this.band(y)]!) {
      const a = this.ring[i]!;
      const b = this.ring[i + 1]!;
      if (a[1] > y !== b[1] > y) {
        const xi = a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
        if (x < xi) inside = !inside;
      }
    }
    return inside;
  }
}

export function lineLength(pts: readonly XY[]): number {
  let s = 0;
  for (let i = 0; i + 1 < pts.length; i++) s += dist(pts[i]!, pts[i + 1]!);
  return s;
}

export function mid(pts: readonly XY[]): XY {
  return pts[Math.floor(pts.length / 2)]!;
}

export function centroid(ring: readonly XY[]): XY {
  let x = 0;
  let y = 0;
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    x += ring[i]![0];
    y += ring[i]![1];
  }
  return [x / n, y / n];
}

export function maxRadius(ring: readonly XY[], c: XY): number {
  return ring.reduce((m, p) => Math.max(m, dist(p, c)), 0);
}

/** Drop consecutive repeated points (rounding can make two near points one). */
export function dedupe(line: LonLat[]): LonLat[] {
  return line.filter((p, i) => i === 0 || p[0] !== line[i - 1]![0] || p[1] !== line[i - 1]![1]);
}
