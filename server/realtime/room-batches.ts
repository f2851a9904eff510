/**
 * The gateway's batching: which rooms a region's changes go to (its own and every ancestor's),
 * what is pending per room for the next tick in a stream (alarms, incidents), and the batches it
 * makes, each complete over the revs since what its room was last told.
 */
import type { FeedDelivery, RevFeed } from './rev-feed';

/** Room names of a region and all its ancestors (grid → community → street → district → city). */
export function regionRooms(regionCode: string): string[] {
  const rooms = new Set<string>();
  for (const len of [2, 4, 6, 9, 12, 15]) if (regionCode.length >= len) rooms.add(`region:${regionCode.slice(0, len)}`);
  return [...rooms];
}

/**
 * What is waiting for the next tick in one stream: room → id → latest view, and the feed position
 * the pending changes reach (every change of the room's region up to `to` is in `byRoom` or was sent).
 */
interface Pending<V> {
  byRoom: Map<string, Map<string, V>>;
  to: number;
}

/**
 * One stream's rooms: for every room with screens on this hub, the rev up to which the room has been
 * told everything (`from` of its next batch).
 */
export class StreamRooms<V> {
  readonly told = new Map<string, number>();
  pending: Pending<V> = { byRoom: new Map(), to: 0 };
  feed: RevFeed<V> | null = null;
}

/**
 * Gather a feed's delivery (from, to] per room with screens (`rooms`, the adapter's): the latest
 * of each id per room. Returns how many of the changes reach at least one room.
 */
export function gather<V>(
  stream: StreamRooms<V>,
  d: FeedDelivery<V>,
  rooms: ReadonlyMap<string, ReadonlySet<string>>,
  region: (v: V) => string,
  id: (v: V) => string,
  rev: (v: V) => number,
): number {
  const p = stream.pending;
  let reaching = 0;
  for (const v of d.items) {
    let reached = false;
    for (const room of regionRooms(region(v))) {
      if (!rooms.get(room)?.size) continue;
      reached = true;
      let m = p.byRoom.get(room);
      if (!m) p.byRoom.set(room, (m = new Map<string, V>()));
      const prev = m.get(id(v));
      if (!prev || rev(prev) < rev(v)) m.set(id(v), v);
    }
    if (reached) reaching++;
  }
  return reaching;
}

/**
 * A stream's pending batches, each complete over (what its room was last told, the feed position
 * they reach]; the room is then told up to there.
 */
export function takeBatches<V extends { rev: number }>(
  stream: StreamRooms<V>,
): { room: string; from: number; to: number; list: V[] }[] {
  const p = stream.pending;
  stream.pending = { byRoom: new Map(), to: p.to };
  const out: { room: string; from: number; to: number; list: V[] }[] = [];
  for (const [room, byId] of p.byRoom) {
    const from = stream.told.get(room);
    if (from === undefined) continue; // the room emptied meanwhile
    const list = [...byId.values()].sort((a, b) => a.rev - b.rev);
    const to = Math.max(p.to, list[list.length - 1]!.rev);
    stream.told.set(room, to);
    out.push({ room, from, to, list });
  }
  return out;
}
