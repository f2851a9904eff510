import { describe, expect, it } from 'vitest';
import gcoord from 'gcoord';
import { wgs84ToGcj02, wgs84ToGcj02InPlace } from '@shared/crs';

/** Metres between two lon/lat points (equirectangular; fine over a few hundred metres). */
function metres(a: readonly number[], b: readonly number[]): number {
  const lat = (((a[1]! + b[1]!) / 2) * Math.PI) / 180;
  return Math.hypot((b[0]! - a[0]!) * 111_320 * Math.cos(lat), (b[1]! - a[1]!) * 110_574);
}

describe('wgs84ToGcj02', () => {
  // 八一广场, Nanchang.
  const nanchang: [number, number] = [115.9065, 28.6775];

  it("matches gcoord's own conversion", () => {
    expect(wgs84ToGcj02(...nanchang)).toEqual(gcoord.transform([...nanchang], gcoord.WGS84, gcoord.GCJ02));
  });

  it('shifts a point in Nanchang by a few hundred metres, north-east as GCJ-02 does there', () => {
    const [lon, lat] = wgs84ToGcj02(...nanchang);
    const m = metres(nanchang, [lon, lat]);
    expect(m).toBeGreaterThan(300);
    expect(m).toBeLessThan(700);
    expect(lon).toBeGreaterThan(nanchang[0]);
    expect(lat).toBeLessThan(nanchang[1]);
  });

  it.each([
    ['Paris', 2.3522, 48.8566],
    ['Tokyo', 139.6917, 35.6895],
    ['Sydney', 151.2093, -33.8688],
    ['New York', -74.006, 40.7128],
  ])('leaves %s (outside China) unchanged', (_name, lon, lat) => {
    expect(wgs84ToGcj02(lon, lat)).toEqual([lon, lat]);
  });
});

describe('wgs84ToGcj02InPlace', () => {
  it('shifts interleaved [lon, lat] pairs in place, like the one-point form', () => {
    const pts = [115.9065, 28.6775, 115.85, 28.7, 2.3522, 48.8566];
    const f64 = Float64Array.from(pts);
    expect(wgs84ToGcj02InPlace(f64)).toBe(f64);
    for (let i = 0; i < pts.length; i += 2) expect([f64[i], f64[i + 1]]).toEqual(wgs84ToGcj02(pts[i]!, pts[i + 1]!));
    expect([f64[4], f64[5]]).toEqual([2.3522, 48.8566]);
  });

  it('works on Float32Array (deck.gl positions) to within float precision', () => {
    const f32 = Float32Array.from([115.9065, 28.6775, 115.95, 28.6]);
    const expected = [wgs84ToGcj02(f32[0]!, f32[1]!), wgs84ToGcj02(f32[2]!, f32[3]!)];
    wgs84ToGcj02InPlace(f32);
    expect(f32[0]).toBeCloseTo(expected[0]![0], 5);
    expect(f32[1]).toBeCloseTo(expected[0]![1], 5);
    expect(f32[2]).toBeCloseTo(expected[1]![0], 5);
    expect(f32[3]).toBeCloseTo(expected[1]![1], 5);
  });

  it('takes a stride for points with more than two numbers, and leaves the rest alone', () => {
    const xyz = Float64Array.from([115.9065, 28.6775, 42, 115.85, 28.7, 7]);
    wgs84ToGcj02InPlace(xyz, 3);
    expect([xyz[0], xyz[1]]).toEqual(wgs84ToGcj02(115.9065, 28.6775));
    expect(xyz[2]).toBe(42);
    expect([xyz[3], xyz[4]]).toEqual(wgs84ToGcj02(115.85, 28.7));
    expect(xyz[5]).toBe(7);
    expect(() => wgs84ToGcj02InPlace(xyz, 1)).toThrow(RangeError);
  });
});
