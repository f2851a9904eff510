/**
 * Stats windows (issue 16), pure: which local days a request covers, the window before it, and how
 * to read it from the rollups (whole months from month rows, the rest from day rows).
 *
 * - today: the local day so far; 7d / 30d: that many local days ending today; 12m: the current
 *   month and the 11 before it; from/to: those local days, both included (at most 366).
 * - The window before: as many days just before (12m: the 12 months before). "Today" is compared
 *   with the whole of yesterday (the rollups count whole days).
 */
import { CITY_UTC_OFFSET_MIN, type ResolvedWindow, type StatsWindowQuery } from '@shared/stats';

const DAY = 86_400_000;
const OFFSET = CITY_UTC_OFFSET_MIN * 60_000;

/** The local date (YYYY-MM-DD) of an instant. */
export function localDay(at: Date): string {
  return new Date(at.getTime() + OFFSET).toISOString().slice(0, 10);
}

/** The instant a local day begins. */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

export function monthFirstDay(month: string): string {
  return `${month}-01`;
}

export function monthLastDay(month: string): string {
  return addDays(monthFirstDay(addMonths(month, 1)), -1);
}

export interface DayWindow {
  firstDay: string;
  lastDay: string;
}

export function daysIn(w: DayWindow): number {
  return Math.round((Date.parse(w.lastDay) - Date.parse(w.firstDay)) / DAY) + 1;
}

/** The window a query asks for, and the one before it to compare with. */
export function windowsOf(q: StatsWindowQuery, now: Date): { window: DayWindow; previous: DayWindow } {
  const today = localDay(now);
  if (q.from && q.to) {
    const window = { firstDay: q.from, lastDay: q.to };
    const n = daysIn(window);
    return { window, previous: { firstDay: addDays(q.from, -n), lastDay: addDays(q.from, -1) } };
  }
  switch (q.period ?? '7d') {
    case 'today':
      return {
        window: { firstDay: today, lastDay: today },
        previous: { firstDay: addDays(today, -1), lastDay: addDays(today, -1) },
      };
    case '7d':
    case '30d': {
      const n = q.period === '30d' ? 30 : 7;
      const firstDay = addDays(today, -(n - 1));
      return {
        window: { firstDay, lastDay: today },
        previous: { firstDay: addDays(firstDay, -n), lastDay: addDays(firstDay, -1) },
      };
    }
    case '12m': {
      const first = addMonths(monthOf(today), -11);
      return {
        window: { firstDay: monthFirstDay(first), lastDay: today },
        previous: { firstDay: monthFirstDay(addMonths(first, -12)), lastDay: addDays(monthFirstDay(first), -1) },
      };
    }
  }
}

/** The instants of a window, for the reply: [from, to), `to` never after now. */
export function resolved(w: DayWindow, now: Date): ResolvedWindow {
  const end = dayStart(addDays(w.lastDay, 1));
  return {
    from: dayStart(w.firstDay).toISOString(),
    to: (end > now ? now : end).toISOString(),
    firstDay: w.firstDay,
    lastDay: w.lastDay,
  };
}

/** How to read a window from the rollups: whole months from month rows, the days around them from day rows. */
export interface Segments {
  months: string[];
  /** Inclusive day ranges. */
  days: [string, string][];
}

export function segmentsOf(w: DayWindow): Segments {
  const months: string[] = [];
  const days: [string, string][] = [];
  let day = w.firstDay;
  let runStart: string | null = null;
  while (day <= w.lastDay) {
    const m = monthOf(day);
    if (day === monthFirstDay(m) && monthLastDay(m) <= w.lastDay) {
      if (runStart) days.push([runStart, addDays(day, -1)]);
      runStart = null;
      months.push(monthFirstDay(m));
      day = addDays(monthLastDay(m), 1);
      continue;
    }
    runStart ??= day;
    day = addDays(day, 1);
  }
  if (runStart) days.push([runStart, w.lastDay]);
  return { months, days };
}
