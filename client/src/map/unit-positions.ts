/**
 * Field units as the map draws them: the static units layer (every unit of the scope, where it was
 * when the layer was built) with each unit's live state laid over it: its position and its status
 * colour. Pure, over typed arrays (deck.gl's binary attributes); a live unit the static layer does
 * not know (added since) is appended.
 */
import type { UnitLive } from '@shared/incidents';

type RGBA = readonly [number, number, number, number];

export interface UnitBase {
  /** Unit id → its index in the static layer. */
  index: ReadonlyMap<string, number>;
  count: number;
  /** [lon, lat] per unit, as drawn (already in the map's CRS). */
  positions: ArrayLike<number>;
  /** RGBA per unit: fill (status) and outline (kind). */
  fill: Uint8Array;
  line: Uint8Array;
}

export interface UnitAttributes {
  length: number;
  positions: Float32Array;
  fill: Uint8Array;
  line: Uint8Array;
}

const UNKNOWN_KIND: RGBA = [200, 200, 200, 255];

/**
 * The static layer with the live states over it. `place` puts a WGS84 position where the map draws
 * it; `statusColor` is the fill of a status.
 */
export function overlayLiveUnits(
  base: UnitBase,
  live: Iterable<UnitLive>,
  place: (p: readonly [number, number]) => [number, number],
  statusColor: (s: UnitLive['status']) => RGBA,
): UnitAttributes {
  const extra: UnitLive[] = [];
  const known: [number, UnitLive][] = [];
  for (const u of live) {
    const i = base.index.get(u.id);
    if (i === undefined) extra.push(u);
    else known.push([i, u]);
  }
  const length = base.count + extra.length;
  const positions = new Float32Array(2 * length);
  for (let k = 0; k < 2 * base.count; k++) positions[k] = base.positions[k]!;
  const fill = new Uint8Array(4 * length);
  fill.set(base.fill.subarray(0, 4 * base.count));
  const line = new Uint8Array(4 * length);
  line.set(base.line.subarray(0, 4 * base.count));
  const put = (i: number, u: UnitLive): void => {
    const [x, y] = place(u.position);
    positions[2 * i] = x;
    positions[2 * i + 1] = y;
    fill.set(statusColor(u.status), 4 * i);
  };
  for (const [i, u] of known) put(i, u);
  extra.forEach((u, n) => {
    put(base.count + n, u);
    line.set(UNKNOWN_KIND, 4 * (base.count + n));
  });
  return { length, positions, fill, line };
}
