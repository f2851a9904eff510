/**
 * nearestCameras (kdbush + geokdbush) against brute force: haversine over every point, written
 * here independently of the code under test.
 */
import { describe, expect, it } from 'vitest';
import { bearingDeg, buildCameraIndex, nearestCameras } from '@client/cameras/nearest';
import { lcg } from './support/geometry';

const R = 6_371_000; // the mean Earth radius geokdbush uses, metres
const rad = (d: number) => (d * Math.PI) / 180;

function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Random points in a box around Nanchang, as the camera layer's interleaved Float32Array. */
function randomPositions(n: number, seed: number, box = { lon: [115.6, 116.2], lat: [28.4, 28.9] }): Float32Array {
  const rnd = lcg(seed);
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = box.lon[0]! + (box.lon[1]! - box.lon[0]!) * rnd();
    out[2 * i + 1] = box.lat[0]! + (box.lat[1]! - box.lat[0]!) * rnd();
  }
  return out;
}

function bruteForce(positions: Float32Array, k: number, from: number) {
  const n = positions.length / 2;
  const lon = positions[2 * from]!;
  const lat = positions[2 * from + 1]!;
  const all: { index: number; distanceM: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (i !== from) all.push({ index: i, distanceM: haversineM(lon, lat, positions[2 * i]!, positions[2 * i + 1]!) });
  }
  all.sort((a, b) => a.distanceM - b.distanceM);
  return all.slice(0, k);
}

describe('nearestCameras', () => {
  const positions = randomPositions(5_000, 42);
  const index = buildCameraIndex(positions);

  it('matches brute-force haversine for 200 random query cameras', () => {
    const pick = lcg(7);
    for (let q = 0; q < 200; q++) {
      const from = Math.floor(pick() * 5_000);
      const k = 1 + Math.floor(pick() * 12);
      const got = nearestCameras(index, positions, k, from);
      const want = bruteForce(positions, k, from);
      expect(got).toHaveLength(k);
      expect(got.map((h) => h.index)).not.toContain(from);
      for (let i = 0; i < k; i++) {
        // Same distances in the same order (indices may differ only on exact ties).
        expect(got[i]!.distanceM, `query ${from}, rank ${i}`).toBeCloseTo(want[i]!.distanceM, 3);
        expect(got[i]!.distanceM).toBeCloseTo(
          haversineM(
            positions[2 * from]!,
            positions[2 * from + 1]!,
            positions[2 * got[i]!.index]!,
            positions[2 * got[i]!.index + 1]!,
          ),
          3,
        );
      }
      expect(new Set(got.map((h) => h.index))).toEqual(new Set(want.map((h) => h.index)));
    }
  });

  it('bearings point the right way', () => {
    for (let q = 0; q < 50; q++) {
      for (const h of nearestCameras(index, positions, 5, q * 97)) {
        const from = q * 97;
        const dLon = positions[2 * h.index]! - positions[2 * from]!;
        const dLat = positions[2 * h.index + 1]! - positions[2 * from + 1]!;
        // At these distances a flat-earth bearing (east scaled by cos lat) is within a fraction of a degree.
        const flat = ((Math.atan2(dLon * Math.cos(rad(positions[2 * from + 1]!)), dLat) * 180) / Math.PI + 360) % 360;
        const diff = Math.abs(((h.bearingDeg - flat + 540) % 360) - 180);
        expect(diff, `bearing ${h.bearingDeg} vs ${flat}`).toBeLessThan(0.5);
        expect(h.bearingDeg).toBeGreaterThanOrEqual(0);
        expect(h.bearingDeg).toBeLessThan(360);
      }
    }
  });

  it('bearingDeg: the four cardinal directions', () => {
    expect(bearingDeg(116, 28, 116, 28.01)).toBeCloseTo(0, 6);
    expect(bearingDeg(116, 28, 116.01, 28)).toBeCloseTo(90, 1);
    expect(bearingDeg(116, 28, 116, 27.99)).toBeCloseTo(180, 6);
    expect(bearingDeg(116, 28, 115.99, 28)).toBeCloseTo(270, 1);
  });

  it('respects maxDistanceM, and k larger than the neighbourhood', () => {
    const from = 123;
    const within = nearestCameras(index, positions, 1_000, from, 800);
    const want = bruteForce(positions, 5_000, from).filter((h) => h.distanceM <= 800);
    expect(within.map((h) => h.index).sort()).toEqual(want.map((h) => h.index).sort());
    for (const h of within) expect(h.distanceM).toBeLessThanOrEqual(800);
  });

  it('cameras on the same pole come first at distance 0; the camera itself never does', () => {
    const p = new Float32Array([116, 28.6, 116, 28.6, 116.001, 28.6, 116.002, 28.6]);
    const idx = buildCameraIndex(p);
    const hits = nearestCameras(idx, p, 3, 0);
    expect(hits.map((h) => h.index)).toEqual([1, 2, 3]);
    expect(hits[0]!.distanceM).toBe(0);
    expect(hits[0]!.bearingDeg).toBe(0);
    expect(hits[1]!.bearingDeg).toBeCloseTo(90, 1);
  });

  it('edge cases: k = 0, a single camera, an index out of range', () => {
    expect(nearestCameras(index, positions, 0, 1)).toEqual([]);
    const one = new Float32Array([116, 28.6]);
    expect(nearestCameras(buildCameraIndex(one), one, 5, 0)).toEqual([]);
    expect(() => nearestCameras(index, positions, 5, 5_000)).toThrow(RangeError);
    expect(() => nearestCameras(index, positions, 5, -1)).toThrow(RangeError);
    expect(() => buildCameraIndex(new Float32Array(3))).toThrow();
  });
});
