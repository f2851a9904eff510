/**
 * One collection of things the hub versions by `rev` (alarms, incidents; issues 5, 6, 13), held by
 * id, and the one merge every such store uses. Every change of an item carries a higher `rev`; an
 * incoming copy replaces the held one only when its rev is higher, so a live batch, a catch-up
 * reply and the answer to the screen's own write that cross in flight never step an item back, and
 * merging one twice is harmless.
 *
 * A collection may hold only some of what it is sent (`keep`: the incidents hold the open ones).
 * An item that stops passing leaves the set; so that a late copy of its past cannot bring it back,
 * the rev it left at is kept (`gone`), and everything at or below the rev of the last catch-up reply
 * (`floor`) is known to be reflected already: a copy that old of an id the screen does not hold is
 * stale. A collection that keeps every copy (the alarms) needs neither: whatever it is sent stays.
 *
 * The pure part (`mergeByRev`, `applySyncReply`) is what the tests drive; `useRevCollection` wraps
 * it for a Pinia setup store: the held state is a shallowRef replaced on every change, never
 * mutated, so watchers and the map layers see one new object per batch, not one write per item.
 * When to ask for a catch-up, and the cursor, are realtime/catchup.ts's.
 */
import { computed, ref, shallowRef } from 'vue';

/** What the hub versions: an id and the rev of its latest change. */
export interface Versioned {
  id: string;
  rev: number;
}

/** A catch-up answer (alarm:sync, incident:sync) with its items under one name. */
export interface SyncItems<T> {
  mode: 'delta' | 'snapshot';
  /** Every change up to here is in it. */
  rev: number;
  items: readonly T[];
}

export interface Held<T> {
  /** The items held, by id. */
  byId: ReadonlyMap<string, T>;
  /** Items that left the set since the last snapshot: id → the rev they left at. */
  gone: ReadonlyMap<string, number>;
  /** Every change up to this rev is reflected (the last catch-up reply's rev; 0: none, or no `keep`). */
  floor: number;
}

/** Which copies a collection holds (absent: every one). */
export type Keep<T> = ((item: T) => boolean) | undefined;

export function emptyHeld<T>(): Held<T> {
  return { byId: new Map(), gone: new Map(), floor: 0 };
}

export interface MergeResult<T> {
  /** The new state; `held` itself when nothing incoming was newer (`changed` false). */
  next: Held<T>;
  changed: boolean;
  /** Items first seen (by their newest copy in the batch). */
  added: T[];
  /** Ids that left the set. */
  removed: string[];
}

/** Merges incoming copies into `held` by rev. Never touches `held`. */
export function mergeByRev<T extends Versioned>(held: Held<T>, incoming: readonly T[], keep?: Keep<T>): MergeResult<T> {
  let byId: Map<string, T> | null = null;
  let gone: Map<string, number> | null = null;
  const touched = new Set<string>();
  for (const item of incoming) {
    const known = (byId ?? held.byId).get(item.id)?.rev ?? (gone ?? held.gone).get(item.id) ?? null;
    if (known !== null ? known >= item.rev : item.rev <= held.floor) continue;
    byId ??= new Map(held.byId);
    gone ??= new Map(held.gone);
    touched.add(item.id);
    if (!keep || keep(item)) {
      byId.set(item.id, item);
      gone.delete(item.id);
    } else {
      byId.delete(item.id);
      gone.set(item.id, item.rev);
    }
  }
  if (!byId || !gone) return { next: held, changed: false, added: [], removed: [] };
  const next: Held<T> = { byId, gone, floor: held.floor };
  // Judged on the outcome, so an id twice in one batch is reported once, with its latest copy.
  const added: T[] = [];
  const removed: string[] = [];
  for (const id of touched) {
    const now = byId.get(id);
    if (now && !held.byId.has(id) && !held.gone.has(id)) added.push(now);
    if (!now && held.byId.has(id)) removed.push(id);
  }
  return { next, changed: true, added, removed };
}

/**
 * A catch-up answer. A delta merges (and, with `keep`, raises the floor). A snapshot replaces what
 * the screen holds: it is the hub's set as of `reply.rev`; copies that arrived live while it was
 * asked (`live`) and are newer than it stay (a snapshot read before they were committed must not
 * wipe them), those at or below its rev are in it already.
 */
export function applySyncReply<T extends Versioned>(
  held: Held<T>,
  reply: SyncItems<T>,
  live: readonly T[],
  keep?: Keep<T>,
): Held<T> {
  if (reply.mode === 'delta') {
    const { next } = mergeByRev(held, reply.items, keep);
    if (!keep) return next;
    const floor = Math.max(next.floor, reply.rev);
    // A tombstone at or below the floor says nothing the floor does not: drop it (bounded memory).
    const gone = new Map([...next.gone].filter(([, rev]) => rev > floor));
    return { byId: next.byId, gone, floor };
  }
  const fromSnapshot = mergeByRev(emptyHeld<T>(), reply.items, keep).next;
  const base = keep ? { ...fromSnapshot, floor: reply.rev } : fromSnapshot;
  return mergeByRev(
    base,
    live.filter((item) => item.rev > reply.rev),
    keep,
  ).next;
}

/**
 * The collection's state and actions for a Pinia setup store (the store adds its own filters,
 * selection and getters around it).
 */
export function useRevCollection<T extends Versioned>(keep?: Keep<T>) {
  const held = shallowRef<Held<T>>(emptyHeld<T>());
  /** Set once the first catch-up answer is in. */
  const synced = ref(false);

  function merge(incoming: readonly T[]): MergeResult<T> {
    const r = mergeByRev(held.value, incoming, keep);
    if (r.changed) held.value = r.next;
    return r;
  }

  return {
    byId: computed(() => held.value.byId),
    synced: computed(() => synced.value),
    /** Live copies or the answer to a write: merged by rev; returns what changed. */
    merge,
    /** A catch-up answer; `live` holds the copies pushed while it may have been read. */
    applySync(reply: SyncItems<T>, live: readonly T[] = []): void {
      held.value = applySyncReply(held.value, reply, live, keep);
      synced.value = true;
    },
    /**
     * Lets go of the items `drop` picks (a screen that runs for days: closed alarms long settled),
     * without tombstones: only for items no stale copy can still arrive for (a catch-up answers with
     * the current copy, a live batch is current when sent). Returns how many went.
     */
    prune(drop: (item: T) => boolean): number {
      const out = [...held.value.byId.values()].filter(drop);
      if (out.length === 0) return 0;
      const byId = new Map(held.value.byId);
      for (const item of out) byId.delete(item.id);
      held.value = { ...held.value, byId };
      return out.length;
    },
    /** Signed out / session ended: nothing of it stays. */
    reset(): void {
      held.value = emptyHeld<T>();
      synced.value = false;
    },
  };
}
