/**
 * A device's own date-time, one reading for every protocol (ISAPI's `dateTime`, GB/T 28181's
 * `AlarmTime`, Dahua's `LocaleTime`).
 *
 * - No zone: the device's clock is China Standard Time (UTC+8, no daylight saving), as the cameras
 *   here are set. `Z` is UTC; `±hh:mm` or `±hhmm` is that offset (at most 14 h).
 * - It must be a real calendar time: month 1–12, the month's days (Feb 29 only in a leap year),
 *   hours 0–23 (no `24:00`), no leap second; years 0001–9999, before and after the offset. Anything
 *   else is null, never a date rolled over into the next month.
 * - Each protocol keeps its own syntax (its pattern); only the calendar and the zone are read here.
 */

/** China Standard Time, the offset of a device time that names no zone. */
export const BEIJING_OFFSET_MINUTES = 8 * 60;

const MAX_OFFSET_HOURS = 14;

/**
 * Reads `s` by a protocol's `pattern`, whose groups are, in order: year, month, day, hour, minute,
 * second, then (optional) the fraction's digits and the zone. Null when it does not match or is not
 * a real time.
 */
export function parseDeviceTime(s: string, pattern: RegExp): Date | null {
  const m = pattern.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (day > daysIn(year, month)) return null;
  const offset = offsetMinutes(m[8]);
  if (offset === null) return null;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day); // years below 100 kept as written
  local.setUTCHours(hour, minute, second, ms);
  const at = new Date(local.getTime() - offset * 60_000);
  const y = at.getUTCFullYear();
  return y >= 1 && y <= 9999 ? at : null;
}

/** `Z`/`z`, `±hh:mm` or `±hhmm` in minutes east of UTC; none: Beijing; null when out of range. */
function offsetMinutes(zone: string | undefined): number | null {
  if (!zone) return BEIJING_OFFSET_MINUTES;
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  if (hours > MAX_OFFSET_HOURS || minutes > 59) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return new Date(Date.UTC(2000, month, 0)).getUTCDate();
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}
