/**
 * WGS84 → GCJ-02 (the "Mars" offset Chinese commercial maps are drawn in), for a client whose
 * basemap tiles are GCJ-02 (map config `crs: 'gcj02'`): our data is WGS84 and must be shifted
 * by the same few hundred metres to sit on the right streets.
 *
 * The transform is gcoord's (a small, dependency-free library used in browsers and Node alike),
 * not a hand copy of the formula. Outside its rough China box gcoord leaves points unchanged,
 * as GCJ-02 does.
 */
import gcoord from 'gcoord';

/** One point, [lon, lat] WGS84 → [lon, lat] GCJ-02. */
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  const [x, y] = gcoord.transform<[number, number]>([lon, lat], gcoord.WGS84, gcoord.GCJ02);
  return [x, y];
}

/**
 * Shift interleaved coordinates in place (deck.gl's binary layout: [lon, lat, lon, lat, ...], or
 * `stride` numbers per point with lon and lat first). Returns the same array.
 */
export function wgs84ToGcj02InPlace<T extends Float32Array | Float64Array>(coords: T, stride = 2): T {
  if (stride < 2 || !Number.isInteger(stride))
    throw new RangeError(`stride must be a whole number >= 2, got ${stride}`);
  for (let i = 0; i + 1 < coords.length; i += stride) {
    const [x, y] = wgs84ToGcj02(coords[i]!, coords[i + 1]!);
    coords[i] = x;
    coords[i + 1] = y;
  }
  return coords;
}
