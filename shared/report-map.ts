/**
 * The small static map of a major event's report (issue 17): a projection from [lon, lat] to the
 * x, y of a box (an SVG's viewBox on the printable page, a rectangle of the hub's PDF), and the SVG
 * path of rings in it. Pure, no DOM, no Node: both sides draw the same picture from the same report.
 *
 * Equirectangular with the longitudes scaled by the cosine of the middle latitude: over a few km
 * that is true to shape within a fraction of a percent, with no projection library. The scale is
 * one for both axes (the aspect is kept) and the picture is centred in the box; y grows downwards.
 */
import type { LonLat } from './world';
import type { MajorEventReport } from './major-event-report';

export interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface MapBox {
  width: number;
  height: number;
  /** Blank space kept inside the box on every side, in the box's units. */
  margin?: number;
}

export interface Projection {
  /** [lon, lat] → [x, y] in the box. */
  (p: readonly [number, number]): [number, number];
  /** Box units per degree of latitude. */
  readonly scale: number;
  readonly bounds: Bounds;
}

/** Spans below this (degrees, ~10 m) are widened: a single point still gets a map around it. */
const MIN_SPAN = 1e-4;

/**
 * The bounds of every point given (rings, points, in any mix), widened by `pad` (a fraction of the
 * larger span, on each side). Null when there is no finite point.
 */
export function boundsOf(points: Iterable<readonly [number, number]>, pad = 0.08): Bounds | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const [lon, lat] of points) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
    if (lon < west) west = lon;
    if (lon > east) east = lon;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  }
  if (west > east) return null;
  const span = Math.max(east - west, north - south, MIN_SPAN);
  const d = span * Math.max(0, pad);
  return { west: west - d, south: south - d, east: east + d, north: north + d };
}

/** Every point of some rings, for boundsOf. */
export function* pointsOf(...groups: readonly (readonly (readonly LonLat[])[])[]): Generator<LonLat> {
  for (const rings of groups) for (const ring of rings) yield* ring;
}

/** A projection of `bounds` into the box, the aspect kept and the picture centred. */
export function projection(bounds: Bounds, box: MapBox): Projection {
  const margin = Math.max(0, box.margin ?? 0);
  const w = Math.max(1, box.width - 2 * margin);
  const h = Math.max(1, box.height - 2 * margin);
  const mid = ((bounds.south + bounds.north) / 2) * (Math.PI / 180);
  const kx = Math.max(0.01, Math.cos(mid));
  const spanX = Math.max((bounds.east - bounds.west) * kx, MIN_SPAN);
  const spanY = Math.max(bounds.north - bounds.south, MIN_SPAN);
  const scale = Math.min(w / spanX, h / spanY);
  // The bounds' centre at the box's centre (a span widened to MIN_SPAN stays centred too).
  const cx = (bounds.west + bounds.east) / 2;
  const cy = (bounds.south + bounds.north) / 2;
  const x0 = margin + w / 2;
  const y0 = margin + h / 2;
  const project = (p: readonly [number, number]): [number, number] => [
    x0 + (p[0] - cx) * kx * scale,
    y0 - (p[1] - cy) * scale,
  ];
  return Object.assign(project, { scale, bounds });
}

const num = (v: number): string => {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
};

/** One ring as an SVG path (`M x y L … Z`), coordinates to 0.1 of the box's unit; '' for an empty ring. */
export function ringPath(ring: readonly (readonly [number, number])[], project: Projection): string {
  const pts = ring.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (pts.length === 0) return '';
  // A closed ring repeats its first point; Z draws that edge.
  const last = pts[pts.length - 1]!;
  const closed = pts.length > 1 && last[0] === pts[0]![0] && last[1] === pts[0]![1];
  const body = (closed ? pts.slice(0, -1) : pts).map((p, i) => {
    const [x, y] = project(p);
    return `${i === 0 ? 'M' : 'L'}${num(x)} ${num(y)}`;
  });
  return `${body.join(' ')} Z`;
}

/** Several rings (a polygon with holes, a multipolygon flattened) as one path: draw it with fill-rule evenodd. */
export function ringsPath(rings: readonly (readonly (readonly [number, number])[])[], project: Projection): string {
  return rings
    .map((r) => ringPath(r, project))
    .filter((d) => d !== '')
    .join(' ');
}

/** The box's points of a ring (what a drawing API without SVG paths, as the hub's PDF, takes). */
export function ringPoints(ring: readonly (readonly [number, number])[], project: Projection): [number, number][] {
  return ring.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])).map((p) => project(p));
}

/**
 * What a report's map shows: the perimeter, its buffer ring, the posts, alarms and incidents, padded
 * (the region's boundary is context, drawn where it falls, not fitted). Null for a report with none.
 */
export function reportMapBounds(
  r: Pick<MajorEventReport, 'event' | 'posts' | 'alarms' | 'incidents'>,
  pad = 0.08,
): Bounds | null {
  const points: LonLat[] = [
    ...r.posts.map((p) => p.position),
    ...r.alarms.map((a) => a.position),
    ...r.incidents.map((i) => i.position),
  ];
  return boundsOf([...pointsOf(r.event.perimeter, r.event.bufferRing), ...points], pad);
}
