/**
 * Months of the city's calendar (UTC+8, `CITY_UTC_OFFSET_MIN`), as the hub counts them: the month
 * picker's default and bounds, the month before. Pure, unit-tested.
 */
import { CITY_UTC_OFFSET_MIN } from '@shared/stats';

/** 'YYYY-MM' of the instant `at` in the city. */
export function cityMonth(at: Date | number = Date.now()): string {
  const t = new Date((typeof at === 'number' ? at : at.getTime()) + CITY_UTC_OFFSET_MIN * 60_000);
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month `delta` months from 'YYYY-MM' (negative: earlier). */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + delta;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** A month picker's timestamp (local midnight of some day of it) → 'YYYY-MM', read in local time. */
export function monthOfPickerValue(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** 'YYYY-MM' → the timestamp a month picker shows as that month (the 1st, local midnight). */
export function pickerValueOfMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(y, m - 1, 1).getTime();
}
