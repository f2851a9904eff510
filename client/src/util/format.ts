/**
 * Number and time formatting for the screens: pure functions, no Vue, unit-tested (tests/unit/format.test.ts).
 * Every figure on a command-centre screen goes through here so that the wall, the desk and the
 * reports print the same number the same way.
 */

/** Shown where a figure cannot be computed (no data, division by zero). Never a made-up 0. */
export const NO_VALUE = '—';

const countFormats = new Map<string, Intl.NumberFormat>();
const percentFormats = new Map<string, Intl.NumberFormat>();

function cached(map: Map<string, Intl.NumberFormat>, key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = map.get(key);
  if (!f) {
    f = make();
    map.set(key, f);
  }
  return f;
}

/** A whole count with digit grouping: 130245 → "130,245". */
export function formatCount(n: number | null | undefined, locale: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NO_VALUE;
  return cached(countFormats, locale, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })).format(n);
}

/** part / total, or null when the ratio means nothing (total 0 or not a number). */
export function ratio(part: number, total: number): number | null {
  if (!Number.isFinite(part) || !Number.isFinite(total) || total <= 0) return null;
  return part / total;
}

/**
 * A ratio as a percentage with a fixed number of decimals (so columns line up):
 * 0.98234 → "98.2%". Null → "—".
 */
export function formatPercent(r: number | null, locale: string, digits = 1): string {
  if (r === null || !Number.isFinite(r)) return NO_VALUE;
  const key = `${locale}|${digits}`;
  return cached(
    percentFormats,
    key,
    () =>
      new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }),
  ).format(r);
}

/** hh:mm:ss for a time today (an alarm's, an incident's); the date too for older ones. */
export function formatClockTime(at: string, locale: string, now = new Date()): string {
  const when = new Date(at);
  const sameDay = when.toDateString() === now.toDateString();
  return when.toLocaleString(locale, {
    hour12: false,
    ...(sameDay ? {} : { month: '2-digit', day: '2-digit' }),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** A full date and time (a report's window, a printed sheet): yyyy-mm-dd hh:mm in the locale's order. */
export function formatDateTime(at: string, locale: string): string {
  return new Date(at).toLocaleString(locale, {
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}
