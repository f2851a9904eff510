/**
 * The leader view's pure parts (issue 17): what lies inside an event's perimeter, where the map
 * rests, and which pinned cameras play now (a wall nobody touches pages through them).
 */
import { compilePerimeter, type CompiledPerimeter } from '@shared/event-area';
import type { MajorEventView } from '@shared/major-events';
export { eventBounds } from '@shared/major-events';

export type Perimeter = MajorEventView['perimeter'];

export function compiled(perimeter: Perimeter): CompiledPerimeter {
  return compilePerimeter(perimeter);
}

/** The items whose position lies inside (or on) the perimeter. */
export function inside<T extends { position: readonly [number, number] }>(
  items: Iterable<T>,
  perimeter: CompiledPerimeter,
): T[] {
  const out: T[] = [];
  for (const i of items) if (perimeter.contains(i.position[0], i.position[1])) out.push(i);
  return out;
}

/** The page of pinned cameras shown at `now`: `size` at a time, turning every `dwellMs`. */
export function cameraPage<T>(
  ids: readonly T[],
  size: number,
  now: number,
  dwellMs: number,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(ids.length / size));
  const page = pages === 1 ? 0 : Math.floor(now / dwellMs) % pages;
  return { items: ids.slice(page * size, page * size + size), page, pages };
}

/** Seconds as the leader reads them: "42 s", "6 min", "1 h 20 min" (null: "—"). */
export function formatSpan(seconds: number | null, units: { s: string; min: string; h: string }): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} ${units.s}`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} ${units.min}`;
  return `${Math.floor(m / 60)} ${units.h} ${m % 60} ${units.min}`;
}
