/**
 * Headings and bearings in words: eight compass points, as i18n keys (cameras.compass.*).
 * Pure; tests/unit/camera-compass.test.ts.
 */
export const COMPASS_POINTS = ['n', 'ne', 'e', 'se', 's', 'sw', 'w', 'nw'] as const;
export type CompassPoint = (typeof COMPASS_POINTS)[number];

/** Degrees clockwise from north, normalised to [0, 360). */
export function normaliseDeg(deg: number): number {
  const d = deg % 360;
  return d < 0 ? d + 360 : d;
}

/** The compass point whose 45° sector holds `deg` (north is 337.5° … 22.5°). */
export function compassPoint(deg: number): CompassPoint {
  const sector = Math.floor((normaliseDeg(deg) + 22.5) / 45) % 8;
  return COMPASS_POINTS[sector]!;
}
