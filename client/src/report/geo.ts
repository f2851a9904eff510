/**
 * Browser geolocation readings for the phone pages (the field unit's and the citizen's): a
 * reading or none, and why there is none, as an i18n key under field.geo. Pure.
 */

/** A browser geolocation reading. */
export interface Fix {
  lon: number;
  lat: number;
  /** Metres. */
  accuracy: number;
  /** When it was taken (ms since the epoch). */
  at: number;
}

/** VueUse's coords start at Infinity until the first reading: null until there is one. */
export function fixOf(
  coords: { longitude: number; latitude: number; accuracy: number },
  locatedAt: number | null,
): Fix | null {
  const { longitude: lon, latitude: lat, accuracy } = coords;
  if (locatedAt === null || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  return { lon, lat, accuracy: Number.isFinite(accuracy) && accuracy >= 0 ? accuracy : 0, at: locatedAt };
}

export type GeoProblem = 'insecure' | 'unsupported' | 'denied' | 'unavailable' | 'timeout';

/**
 * Browsers give a position only to secure pages (HTTPS or localhost): a hub reached over plain
 * HTTP on the LAN gets none, whatever the phone allows. GeolocationPositionError codes: 1 denied,
 * 2 unavailable, 3 timeout.
 */
export function geoProblem(opts: { secure: boolean; supported: boolean; errorCode: number | null }): GeoProblem | null {
  if (!opts.secure) return 'insecure';
  if (!opts.supported) return 'unsupported';
  switch (opts.errorCode) {
    case null:
      return null;
    case 1:
      return 'denied';
    case 3:
      return 'timeout';
    default:
      return 'unavailable';
  }
}

/** Lon/lat for people: six decimals (≈ 0.1 m). */
export function formatLonLat(lon: number, lat: number): { lon: string; lat: string } {
  return { lon: lon.toFixed(6), lat: lat.toFixed(6) };
}
