/**
 * The ETA model of dispatch (issue 7) and of coverage (issue 17): a unit's turnout, then the
 * great-circle distance × a route factor at its kind's average speed in town. One model, so the
 * coverage map says what a dispatch proposal would say for the same unit and place.
 */

/** Average speed in town (km/h) and the minutes before a unit is on its way. */
export const UNIT_TRAVEL: Readonly<Record<string, { kmh: number; turnoutMin: number }>> = {
  police: { kmh: 15, turnoutMin: 0.5 },
  patrol_car: { kmh: 30, turnoutMin: 0.5 },
  grid_worker: { kmh: 12, turnoutMin: 0.5 },
  fire: { kmh: 35, turnoutMin: 1 },
  medical: { kmh: 35, turnoutMin: 1 },
  department: { kmh: 25, turnoutMin: 2 },
};
/** Streets are not straight lines: route length ≈ 1.3 × the great-circle distance. */
export const ROUTE_FACTOR = 1.3;
const OTHER = { kmh: 15, turnoutMin: 1 };

/** Minutes for a unit of this kind to cover this great-circle distance, to 0.1 min. */
export function etaMinutes(kind: string, distanceM: number): number {
  const t = UNIT_TRAVEL[kind] ?? OTHER;
  return Math.round((t.turnoutMin + ((distanceM / 1000) * ROUTE_FACTOR * 60) / t.kmh) * 10) / 10;
}
