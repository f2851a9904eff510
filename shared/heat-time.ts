/**
 * Heat over time (issue 16), the pure part: the heat reply as GPU-ready columns, the sliding
 * sub-window a time slider plays through, and the heat layer's fixed colour domain.
 *
 * Times stay minutes from the reply's origin (the window's start): DataFilterExtension compares
 * 32-bit floats, which hold every minute of a year exactly (2^24 ≫ 527,040) where epoch
 * milliseconds would be rounded to minutes or worse.
 */
import type { HeatReply } from './stats';

export interface HeatPoints {
  count: number;
  /** lon, lat per point. */
  positions: Float32Array;
  /** Minutes from `origin`. */
  times: Float32Array;
  /** Epoch ms of minute 0. */
  origin: number;
  /** The window's length in minutes (the slider's whole range). */
  span: number;
}

export function heatPoints(reply: HeatReply): HeatPoints {
  const n = Math.min(reply.lon.length, reply.lat.length, reply.t.length);
  const positions = new Float32Array(2 * n);
  const times = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    positions[2 * i] = reply.lon[i]!;
    positions[2 * i + 1] = reply.lat[i]!;
    times[i] = reply.t[i]!;
  }
  const origin = Date.parse(reply.origin);
  const span = Math.max(1, Math.round((Date.parse(reply.window.to) - origin) / 60_000));
  return { count: n, positions, times, origin, span };
}

/** How the slider plays a window: a sub-window of `size` minutes moving by `step`. */
export interface Playback {
  size: number;
  step: number;
}

const HOUR = 60;
const DAY = 24 * HOUR;

/**
 * The sub-window for a window of `span` minutes: an hour of a day, a day of a week or a month, a
 * week of a year; each play moves about 1/100 of the way on (whole hours or days), so a
 * play-through takes some 100 frames.
 */
export function playbackFor(span: number): Playback {
  if (span <= DAY) return { size: HOUR, step: 15 };
  if (span <= 8 * DAY) return { size: DAY, step: 2 * HOUR };
  if (span <= 32 * DAY) return { size: DAY, step: 6 * HOUR };
  return { size: 7 * DAY, step: DAY };
}

/** The last start the slider may take (the sub-window ends with the window). */
export function lastStart(span: number, p: Playback): number {
  return Math.max(0, span - p.size);
}

/** The next start when playing: one step on, back to 0 after the last. */
export function nextStart(start: number, span: number, p: Playback): number {
  const last = lastStart(span, p);
  if (start >= last) return 0;
  return Math.min(last, start + p.step);
}

/** A start moved onto the slider's grid of steps and inside its range. */
export function snapStart(start: number, span: number, p: Playback): number {
  const last = lastStart(span, p);
  const snapped = Math.round(start / p.step) * p.step;
  return Math.min(last, Math.max(0, snapped));
}

/**
 * The filter range of a sub-window, [start, start + size): DataFilterExtension's range is closed,
 * so the end is pulled in by less than a minute (times are whole minutes) to keep an incident at
 * the boundary in one sub-window only. `null` (no sub-window): the whole window.
 */
export function filterRange(start: number | null, span: number, p: Playback): [number, number] {
  if (start == null) return [0, span];
  return [start, start + p.size - 0.5];
}

/** The sub-window's bounds as instants (for the label beside the slider). */
export function rangeInstants(start: number, heat: Pick<HeatPoints, 'origin'>, p: Playback): [Date, Date] {
  return [new Date(heat.origin + start * 60_000), new Date(heat.origin + (start + p.size) * 60_000)];
}

/** Cell of the density count below, in degrees (~1 km at the city's latitude). */
export const HEAT_CELL_DEG = 0.01;

/**
 * The most incidents one ~1 km cell holds in one sub-window (sub-windows on the step grid): what
 * the top of the colour scale stands for. Computed once per reply and sub-window size, from all
 * points, so it does not change as the map pans or the slider moves.
 */
export function peakCellCount(heat: HeatPoints, p: Playback | null): number {
  const bucket = p ? p.size : heat.span + 1;
  const counts = new Map<string, number>();
  let peak = 0;
  for (let i = 0; i < heat.count; i++) {
    const x = Math.floor(heat.positions[2 * i]! / HEAT_CELL_DEG);
    const y = Math.floor(heat.positions[2 * i + 1]! / HEAT_CELL_DEG);
    const b = Math.floor(heat.times[i]! / bucket);
    const key = `${x}:${y}:${b}`;
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    if (c > peak) peak = c;
  }
  return peak;
}

/**
 * HeatmapLayer's `colorDomain` for a peak count. With SUM aggregation deck.gl scales the domain
 * by the metres a weight-texture pixel covers, so a fixed domain means a fixed density: colours do
 * not shift as the map pans (the automatic domain follows the densest pixel on screen). The top
 * is the peak cell's density (its count spread over the cell, kernel peak ≈ 3.39 per point); the
 * bottom, a twentieth of it, hides the faintest haze.
 */
export function heatColorDomain(peak: number): [number, number] {
  const cellMetres = HEAT_CELL_DEG * 111_000;
  const top = Math.max(1, peak) * (3.39 / cellMetres);
  return [top / 20, top];
}
