/**
 * A security event's buffer zone (缓冲区): the band of `bufferM` metres around its perimeter.
 *
 * Apart from event-area.ts because @turf/buffer brings JSTS and d3-geo, ~70 KB gzip: the hub
 * computes the ring once when an event is saved and sends it; the only screen that imports this
 * file is the plan editor (its live preview), by a dynamic import, as a chunk of its own.
 */
import { buffer } from '@turf/buffer';
import { BUFFER_MAX_M, BUFFER_MIN_M, type CompiledPerimeter } from './event-area';
import type { LonLat, Polygon } from './world';

/** Twice the signed planar area of a ring in degrees: > 0 when counter-clockwise. */
function signedArea2(ring: readonly LonLat[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s;
}

/** The ring turned, if need be, to run counter-clockwise (an outer ring) or clockwise (a hole), as world.ts says. */
function oriented(ring: LonLat[], counterClockwise: boolean): LonLat[] {
  return signedArea2(ring) > 0 === counterClockwise ? ring : ring.reverse();
}

/**
 * The perimeter's outer ring grown by `metres` (BUFFER_MIN_M to BUFFER_MAX_M) on every side, corners
 * rounded: the outer edge of the buffer zone, which is the area between it and the perimeter. The
 * perimeter's holes are ignored (the zone surrounds the event, it does not reach into it). The
 * result is usually one ring; where the perimeter's outline bends back on itself closer than twice
 * `metres` (a U), the ring closes over the gap and what of the gap lies further than `metres` from
 * the perimeter is a hole of the result. Buffered in an azimuthal equidistant projection centred on
 * the perimeter (Turf's way), exact in metres to well under 1% at these sizes.
 * Throws a RangeError for a width out of range or an empty perimeter.
 */
export function bufferRing(polygon: Polygon, metres: number): Polygon {
  if (!(metres >= BUFFER_MIN_M && metres <= BUFFER_MAX_M)) {
    throw new RangeError(`buffer width ${metres} m: must be ${BUFFER_MIN_M} to ${BUFFER_MAX_M} m`);
  }
  const outer = polygon[0];
  if (!outer || outer.length < 4) throw new RangeError('the perimeter has no outer ring');
  const grown = buffer({ type: 'Polygon', coordinates: [outer] }, metres, { units: 'meters' });
  // A positive buffer of one simple ring is one polygon; anything else means a broken perimeter.
  if (grown?.geometry.type !== 'Polygon') throw new RangeError('the perimeter could not be buffered');
  return grown.geometry.coordinates.map((ring, i) => oriented(ring as LonLat[], i === 0));
}

/**
 * Is the point in the buffer zone: inside the buffer's ring and not inside the perimeter (a point
 * on the perimeter's boundary belongs to the perimeter)? Allocates nothing.
 */
export function inBuffer(
  point: readonly [number, number],
  perimeter: CompiledPerimeter,
  ring: CompiledPerimeter,
): boolean {
  return ring.contains(point[0], point[1]) && !perimeter.contains(point[0], point[1]);
}
