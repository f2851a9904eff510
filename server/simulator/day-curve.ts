/**
 * The simulator's day/night curve (Beijing time, UTC+8, no DST): piecewise linear between hourly
 * values (DAY_CURVE_RAW), scaled so that its mean over a day is exactly 1, so the event model's
 * `ratePerSec` is the average rate over a day. Lowest 02:00-06:00 (about 0.13× the mean at
 * 03:00-04:00), a morning peak at 08:00 (about 1.6×), a plateau through the day (1.0-1.25×) and
 * the evening peak at 18:00-19:00 (about 1.9×). At 5 events/s: ~0.65/s at 03:00, ~8/s at 08:00,
 * ~9.5/s at 19:00.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const BEIJING_OFFSET_MS = 8 * HOUR_MS;

/** Relative activity at each hour 00:00 … 23:00 Beijing time (linear in between, 24:00 = 00:00). */
export const DAY_CURVE_RAW: readonly number[] = [
  0.45,
  0.3,
  0.15,
  0.12,
  0.12,
  0.15,
  0.35,
  0.9, // 00-07: night low 02-06, waking up
  1.5,
  1.4,
  1.1,
  1.05,
  1.0,
  0.95,
  1.0,
  1.05, // 08-15: morning peak at 08, day plateau
  1.15,
  1.45,
  1.7,
  1.75,
  1.5,
  1.2,
  0.9,
  0.65, // 16-23: evening peak 18-19, winding down
];
/** Mean of the piecewise-linear raw curve over a day (periodic trapezoids = mean of the hourly values). */
const RAW_MEAN = DAY_CURVE_RAW.reduce((a, b) => a + b, 0) / DAY_CURVE_RAW.length;
/** The curve's hourly values, scaled to a daily mean of 1. */
export const DAY_CURVE: readonly number[] = DAY_CURVE_RAW.map((v) => v / RAW_MEAN);
/** The curve's peak: arrivals are drawn at this rate and thinned. */
export const CURVE_MAX = Math.max(...DAY_CURVE);

/** Hour of day in Beijing time, [0, 24). */
export function beijingHour(ms: number): number {
  return ((((ms + BEIJING_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/** Rate factor at an instant (mean 1 over a day). */
export function dayCurve(ms: number): number {
  const h = beijingHour(ms);
  const i = Math.floor(h);
  const a = DAY_CURVE[i % 24]!;
  const b = DAY_CURVE[(i + 1) % 24]!;
  return a + (b - a) * (h - i);
}

/** ISO 8601 in Beijing time: 2026-11-22T20:00:00.000+08:00. */
export function beijingIso(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().replace('Z', '+08:00');
}
