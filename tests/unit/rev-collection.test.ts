/**
 * The one store factory for rev-merged collections (client/src/stores/revCollection.ts), on plain
 * (id, rev) items: the same merge with and without `keep` (alarms hold every copy, incidents only
 * the open ones), the synced flag, snapshot replace with live copies, and that the held state is a
 * new object only when something changed (the map layers redraw on identity).
 */
import { describe, expect, it } from 'vitest';
import { watch } from 'vue';
import { applySyncReply, emptyHeld, mergeByRev, useRevCollection } from '@client/stores/revCollection';

interface Item {
  id: string;
  rev: number;
  open: boolean;
}
const item = (id: string, rev: number, open = true): Item => ({ id, rev, open });
const keepOpen = (i: Item): boolean => i.open;
const revs = (m: ReadonlyMap<string, Item>) => Object.fromEntries([...m].map(([id, i]) => [id, i.rev]));

describe('useRevCollection', () => {
  it('merges batches by rev and reports what was added and what left', () => {
    const c = useRevCollection<Item>(keepOpen);
    expect(c.merge([item('a', 1), item('b', 2)]).added.map((i) => i.id)).toEqual(['a', 'b']);
    const r = c.merge([item('a', 3, false), item('b', 1)]);
    expect(r.removed).toEqual(['a']);
    expect(revs(c.byId.value)).toEqual({ b: 2 });
    // The past of one that left cannot bring it back.
    expect(c.merge([item('a', 2)]).changed).toBe(false);
  });

  it('without keep, holds every copy (a closed alarm stays for the status filter)', () => {
    const c = useRevCollection<Item>();
    c.merge([item('a', 1), item('a', 3, false)]);
    expect(revs(c.byId.value)).toEqual({ a: 3 });
    expect(c.byId.value.get('a')?.open).toBe(false);
  });

  it('is synced from the first catch-up answer until reset', () => {
    const c = useRevCollection<Item>();
    expect(c.synced.value).toBe(false);
    c.applySync({ mode: 'delta', rev: 4, items: [item('a', 4)] });
    expect(c.synced.value).toBe(true);
    c.reset();
    expect(c.synced.value).toBe(false);
    expect(c.byId.value.size).toBe(0);
  });

  it('a snapshot replaces what is held, keeping only live copies newer than it', () => {
    for (const keep of [undefined, keepOpen]) {
      const c = useRevCollection<Item>(keep);
      c.merge([item('old', 2), item('x', 3)]);
      c.applySync({ mode: 'snapshot', rev: 10, items: [item('x', 9), item('y', 10)] }, [
        item('live', 11),
        item('stale', 8),
      ]);
      expect(revs(c.byId.value)).toEqual({ x: 9, y: 10, live: 11 });
    }
  });

  it('changes the held map only when a copy is newer', async () => {
    const c = useRevCollection<Item>();
    let changes = 0;
    watch(c.byId, () => changes++, { flush: 'sync' });
    c.merge([item('a', 2)]);
    c.merge([item('a', 2)]);
    c.merge([item('a', 1)]);
    expect(changes).toBe(1);
    await Promise.resolve();
  });
});

describe('the floor', () => {
  it('is raised by a delta only for a collection that drops items', () => {
    const start = emptyHeld<Item>();
    expect(applySyncReply(start, { mode: 'delta', rev: 7, items: [] }, []).floor).toBe(0);
    const floored = applySyncReply(start, { mode: 'delta', rev: 7, items: [] }, [], keepOpen);
    expect(floored.floor).toBe(7);
    // Below it, an id the screen does not hold is stale; above it, new.
    expect(mergeByRev(floored, [item('c', 5)], keepOpen).changed).toBe(false);
    expect(mergeByRev(floored, [item('c', 8)], keepOpen).added.map((i) => i.id)).toEqual(['c']);
  });
});

describe('a store that lets go of settled items', () => {
  it('prunes what it is told to, keeps the rest, and takes a newer copy of a pruned id again', async () => {
    const { createPinia, setActivePinia } = await import('pinia');
    setActivePinia(createPinia());
    const { useAlarmStore } = await import('@client/stores/alarms');
    const store = useAlarmStore();
    const at = (m: number) => new Date(Date.parse('2026-12-07T08:00:00Z') + m * 60_000).toISOString();
    const alarm = (id: string, rev: number, status: string, updated: string) =>
      ({ id, rev, status, updatedAt: updated, createdAt: updated, priority: 2 }) as never;
    store.applyBatch([
      alarm('a', 1, 'false_alarm', at(0)),
      alarm('b', 2, 'new', at(0)),
      alarm('c', 3, 'expired', at(9)),
    ]);
    expect(store.pruneClosed(10 * 60_000, Date.parse(at(15)))).toBe(1);
    expect([...store.byId.keys()].sort()).toEqual(['b', 'c']);
    store.applyBatch([alarm('a', 4, 'incident', at(16))]);
    expect(store.byId.get('a')?.rev).toBe(4);
  });
});
