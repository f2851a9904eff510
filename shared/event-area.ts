/**
 * A major security event's perimeter (重大活动安保): the area an admin draws around a venue, checked
 * by the hub when it is saved and by a screen while it is drawn, and tested against every alarm.
 *
 * Pure and shared by the hub and the screens. The geometry is Turf's and point-in-polygon-hao's (the
 * point test Turf itself uses); the buffer ring is in `event-buffer.ts`, apart, because its library
 * (JSTS) is ~70 KB gzip that a screen drawing a perimeter never needs. Every package here is
 * `sideEffects: false`: a screen that never calls perimeterInside leaves out its ~9 KB gzip
 * (the schema below keeps kinks and area, ~4 KB with the point test).
 *
 * Coordinates are WGS84 [longitude, latitude] in degrees (shared/world.ts). Areas are geodesic
 * (Turf's spherical formula), so they hold at any latitude.
 */
import { area } from '@turf/area';
import { booleanContains } from '@turf/boolean-contains';
import { kinks } from '@turf/kinks';
import { lineIntersect } from '@turf/line-intersect';
import pointInPolygon from 'point-in-polygon-hao';
import { z } from 'zod';
import { lonLat, type LonLat, type MultiPolygon, type Polygon } from './world';

/** Below this a perimeter encloses nothing a guard could stand in: a slip of the mouse. */
export const PERIMETER_MIN_AREA_M2 = 100;
/** A setting: the largest area (2,000 km², a large district) an event's perimeter may enclose. */
export const PERIMETER_MAX_AREA_M2 = 2_000 * 1_000_000;
/** Points in all rings together: bounds the self-intersection check (quadratic) and the payload. */
export const PERIMETER_MAX_POINTS = 2_000;
/** Holes (areas inside the perimeter left out of it, e.g. a residential compound). */
export const PERIMETER_MAX_HOLES = 16;
/** The buffer zone's width around the perimeter, metres. */
export const BUFFER_MIN_M = 10;
export const BUFFER_MAX_M = 5_000;

/** One thing wrong with a perimeter; `path` is relative to the polygon ([0]: the outer ring, [] the whole). */
export interface PerimeterProblem {
  path: (string | number)[];
  message: string;
}

/** A coordinate as the messages write it: 4 decimals, about 10 m. */
const at = (p: readonly number[]): string => `${p[0]!.toFixed(4)}, ${p[1]!.toFixed(4)}`;

/** The ring without consecutive repeated points (a double click), which Turf's kinks would read as a crossing. */
function withoutRepeats(ring: readonly LonLat[]): LonLat[] {
  return ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1]![0] || p[1] !== ring[i - 1]![1]);
}

/** What is wrong with one ring on its own: too few points, not closed. */
function ringProblems(ring: readonly LonLat[]): string[] {
  const out: string[] = [];
  const distinct = new Set(ring.map((p) => `${p[0]},${p[1]}`)).size;
  if (distinct < 3) out.push(`needs at least 3 distinct points (has ${distinct})`);
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) {
    out.push('the ring is not closed: its last point must repeat its first');
  }
  return out;
}

/**
 * Everything wrong with a perimeter, or [] when it may be saved: each ring has at least 3 distinct
 * points and is closed; no ring crosses or touches itself or another; each hole lies inside the outer
 * ring and outside the other holes; the area (less the holes) is between PERIMETER_MIN_AREA_M2 and
 * PERIMETER_MAX_AREA_M2. Later checks run only when the earlier ones pass (a crossing ring has no
 * meaningful area). Quadratic in the number of points: the schema caps them first.
 */
export function perimeterProblems(polygon: Polygon): PerimeterProblem[] {
  if (polygon.length === 0) return [{ path: [], message: 'draw the outer boundary' }];
  const problems: PerimeterProblem[] = polygon.flatMap((ring, i) =>
    ringProblems(ring).map((message) => ({ path: [i], message })),
  );
  if (problems.length > 0) return problems;

  const rings = polygon.map(withoutRepeats);
  rings.forEach((ring, i) => {
    const crossing = kinks({ type: 'LineString', coordinates: ring }).features[0];
    if (crossing) {
      problems.push({ path: [i], message: `the boundary crosses itself at ${at(crossing.geometry.coordinates)}` });
    }
  });
  if (problems.length > 0) return problems;

  if (rings.length > 1) {
    // Each ring is simple now, so any crossing Turf finds is between two rings.
    const crossing = kinks({ type: 'Polygon', coordinates: rings }).features[0];
    if (crossing) {
      return [{ path: [], message: `a hole touches or crosses another ring at ${at(crossing.geometry.coordinates)}` }];
    }
    // Rings that do not cross are nested or apart, so one point of a hole tells where all of it is.
    const outer = [rings[0]!];
    rings.slice(1).forEach((hole, h) => {
      if (pointInPolygon(hole[0]!, outer) === false) {
        problems.push({ path: [h + 1], message: 'a hole must lie inside the outer boundary' });
      } else if (rings.slice(1).some((other, o) => o !== h && pointInPolygon(hole[0]!, [other]) !== false)) {
        problems.push({ path: [h + 1], message: 'a hole lies inside another hole' });
      }
    });
    if (problems.length > 0) return problems;
  }

  const m2 = area({ type: 'Polygon', coordinates: rings });
  if (m2 < PERIMETER_MIN_AREA_M2) {
    problems.push({
      path: [],
      message: `encloses almost no area (${Math.round(m2)} m²; at least ${PERIMETER_MIN_AREA_M2} m²)`,
    });
  } else if (m2 > PERIMETER_MAX_AREA_M2) {
    problems.push({
      path: [],
      message: `too large (${Math.round(m2 / 1e6).toLocaleString('en')} km²; at most ${(PERIMETER_MAX_AREA_M2 / 1e6).toLocaleString('en')} km²)`,
    });
  }
  return problems;
}

/**
 * Does the perimeter lie wholly inside the scope (the admin's district boundary)? Both must be
 * valid (the perimeter by perimeterProblems). Its boundary may run along the district's.
 *
 * Full containment, not the perimeter's vertices alone: a district is rarely convex (a river bend, a
 * neighbour's enclave), and an edge between two inside vertices can cut across the neighbour's land,
 * which a vertex test would let through and the neighbour's command centre would then not see.
 *
 * In three steps, cheapest first. (1) Every vertex inside the scope (point-in-polygon-hao): rejects
 * most bad perimeters. (2) Do the two boundaries meet at all? Turf's lineIntersect (a sweep line,
 * n log n) says; when they do not, the ring, its vertices inside, is inside. When they do (a
 * perimeter snapped to the district line, or one that crosses it), Turf's booleanContains decides:
 * it splits each edge where it meets the scope's boundary and tests every piece's midpoint; it is
 * exact but costs about (perimeter edges × scope points), ~6 s for 2,000 × 3,000 points, so it is
 * not the first step. It also asks one part of a multi-part scope to hold the whole perimeter, so a
 * perimeter spanning two touching parts is refused (a district is one part in practice). (3) What
 * neither sees: a hole of the scope (an enclave) lying inside the outer ring with no edge touching
 * it, found by the enclave's vertices; it is allowed when a hole of the perimeter holds it whole.
 */
export function perimeterInside(polygon: Polygon, scope: MultiPolygon): boolean {
  const outer = polygon[0];
  if (!outer) return false;
  if (!outer.every((p) => scope.some((part) => pointInPolygon(p, part) !== false))) return false;
  const meet = lineIntersect({ type: 'LineString', coordinates: outer }, { type: 'MultiPolygon', coordinates: scope })
    .features.length;
  if (
    meet > 0 &&
    !booleanContains({ type: 'MultiPolygon', coordinates: scope }, { type: 'Polygon', coordinates: [outer] })
  ) {
    return false;
  }
  // The outer ring stays out of every enclave now, so an enclave with a vertex strictly inside the
  // ring lies inside it: allowed only where a hole of the perimeter leaves it out.
  const holes = polygon.slice(1);
  return scope.every((part) =>
    part
      .slice(1)
      .every(
        (enclave) =>
          enclave.every((p) => pointInPolygon(p, [outer]) !== true) ||
          holes.some((hole) =>
            booleanContains({ type: 'Polygon', coordinates: [hole] }, { type: 'Polygon', coordinates: [enclave] }),
          ),
      ),
  );
}

/**
 * Is the point inside the perimeter or on its boundary (a point on the fence line counts as in;
 * one in a hole does not)? For many points against one perimeter use compilePerimeter.
 */
export function pointInPerimeter(point: readonly [number, number], polygon: Polygon): boolean {
  return pointInPolygon(point as [number, number], polygon) !== false;
}

/** A perimeter made ready for the per-alarm test. */
export interface CompiledPerimeter {
  /** [minLon, minLat, maxLon, maxLat] of the outer ring. */
  readonly bbox: readonly [number, number, number, number];
  /** pointInPerimeter, with a bounding-box test first; allocates nothing. NaN is outside. */
  contains(lon: number, lat: number): boolean;
}

/**
 * Precompute what the per-alarm test needs: the bounding box, which rejects most alarms of a city
 * in four comparisons, and one scratch point reused by every call (no allocation per alarm). The
 * polygon must be valid (perimeterProblems) and is not copied: do not mutate it afterwards.
 */
export function compilePerimeter(polygon: Polygon): CompiledPerimeter {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of polygon[0] ?? []) {
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  const scratch: [number, number] = [0, 0];
  return {
    bbox: [minLon, minLat, maxLon, maxLat],
    contains(lon, lat) {
      // Written so that NaN fails it.
      if (!(lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat)) return false;
      scratch[0] = lon;
      scratch[1] = lat;
      return pointInPolygon(scratch, polygon) !== false;
    },
  };
}

/** A ring as sent: any length up to the cap, so that perimeterProblems, not zod, says what is wrong with a short one. */
const eventRing = z.array(lonLat).max(PERIMETER_MAX_POINTS, `at most ${PERIMETER_MAX_POINTS} points`);

/**
 * A perimeter as an admin sends it (GeoJSON Polygon coordinates, as Terra Draw gives them), with
 * every check of perimeterProblems: a route's 4xx names the ring, e.g. path ['perimeter', 0],
 * 'the boundary crosses itself at 115.9012, 28.6711'. The district check (perimeterInside) needs the
 * admin's scope, so the service makes it.
 */
export const eventPerimeter = z
  .array(eventRing)
  .min(1, 'draw the outer boundary')
  .max(PERIMETER_MAX_HOLES + 1, `at most ${PERIMETER_MAX_HOLES} holes`)
  .superRefine((polygon, ctx) => {
    const points = polygon.reduce((n, ring) => n + ring.length, 0);
    if (points > PERIMETER_MAX_POINTS) {
      ctx.addIssue({ code: 'custom', message: `at most ${PERIMETER_MAX_POINTS} points in all (has ${points})` });
      return;
    }
    for (const p of perimeterProblems(polygon)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });

/** The buffer zone's width, whole metres. */
export const eventBufferM = z.number().int().min(BUFFER_MIN_M).max(BUFFER_MAX_M);

/** The geometry of a security event as an admin sends it. */
export const eventAreaInput = z.object({ perimeter: eventPerimeter, bufferM: eventBufferM });
export type EventAreaInput = z.infer<typeof eventAreaInput>;
