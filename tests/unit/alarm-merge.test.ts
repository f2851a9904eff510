/**
 * The client's alarm merge (client/src/stores/revCollection.ts with every copy kept, as
 * client/src/stores/alarms.ts uses it): what a screen holds after live batches and catch-up replies
 * cross in any order. Table-driven cases for the order and the rev rule, then a
 * property: any sequence of batches, shuffled and with repeats, ends where merging them by rev does.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPinia, setActivePinia } from 'pinia';
import type { AlarmStatus, AlarmView } from '@shared/alarms';
import { compareAlarms, isOpen, useAlarmStore } from '@client/stores/alarms';
import { mergeByRev, type Held } from '@client/stores/revCollection';

const T0 = Date.parse('2026-11-22T04:00:00.000Z');
const iso = (sec: number) => new Date(T0 + sec * 1000).toISOString();

/** An alarm view; `sec` seconds after T0 for its creation (and its event, unless given). */
function alarm(id: string, over: Partial<AlarmView> & { sec?: number } = {}): AlarmView {
  const { sec = 0, ...rest } = over;
  return {
    id,
    rev: 1,
    createdAt: iso(sec),
    updatedAt: iso(sec),
    event: { source: 'fence', id: `ev-${id}`, type: 'fence_intrusion', at: iso(sec) },
    rule: { id: 'fence', name: 'Fence intrusion' },
    priority: 1,
    status: 'new',
    gridCode: '360102001001001',
    position: [115.88, 28.68],
    zone: null,
    actions: [],
    cameraIds: [],
    unitIds: [],
    broadcast: null,
    handledBy: null,
    handledAt: null,
    incidentId: null,
    count: 1,
    raise: null,
    media: [],
    lastAt: iso(sec),
    expiresAt: null,
    ...rest,
  };
}

const held = (...alarms: AlarmView[]): Held<AlarmView> => ({
  byId: new Map(alarms.map((a) => [a.id, a])),
  gone: new Map(),
  floor: 0,
});
/** The alarm store's merge: no `keep`, every copy is held. */
const mergeAlarms = (h: Held<AlarmView>, incoming: readonly AlarmView[]) => mergeByRev(h, incoming);
const ids = (alarms: readonly AlarmView[]) => alarms.map((a) => a.id);

describe('compareAlarms', () => {
  it.each([
    [
      'priority 1 before priority 2, whatever their age',
      [alarm('p2-new', { priority: 2, sec: 60 }), alarm('p1-old', { priority: 1, sec: 0 })],
      ['p1-old', 'p2-new'],
    ],
    [
      'same priority: newest first',
      [alarm('older', { sec: 0 }), alarm('newer', { sec: 30 }), alarm('middle', { sec: 10 })],
      ['newer', 'middle', 'older'],
    ],
    [
      'priority, then newest',
      [
        alarm('p3', { priority: 3, sec: 90 }),
        alarm('p1-a', { sec: 5 }),
        alarm('p4', { priority: 4, sec: 99 }),
        alarm('p1-b', { sec: 50 }),
        alarm('p2', { priority: 2 }),
      ],
      ['p1-b', 'p1-a', 'p2', 'p3', 'p4'],
    ],
    [
      // One ingest batch raises its alarms with one createdAt: the event's time decides.
      'same priority and creation: newest event first',
      [
        alarm('ev-early', { event: { source: 'fence', id: 'e1', type: 'fence_intrusion', at: iso(-20) } }),
        alarm('ev-late', { event: { source: 'fence', id: 'e2', type: 'fence_intrusion', at: iso(-5) } }),
      ],
      ['ev-late', 'ev-early'],
    ],
  ] as [string, AlarmView[], string[]][])('%s', (_what, input, expected) => {
    expect(ids([...input].sort(compareAlarms))).toEqual(expected);
  });

  it('is a total order: ties end in the same order whatever order they arrive in', () => {
    const twins = ['c', 'a', 'd', 'b'].map((id) =>
      alarm(id, { event: { source: 'fence', id: 'same', type: 'fence_intrusion', at: iso(0) } }),
    );
    const once = ids([...twins].sort(compareAlarms));
    expect(ids([...twins].reverse().sort(compareAlarms))).toEqual(once);
    expect(compareAlarms(twins[0]!, twins[0]!)).toBe(0);
  });
});

describe('mergeAlarms', () => {
  const a1 = alarm('a', { rev: 1 });
  const a2 = alarm('a', { rev: 2, status: 'acknowledged', handledBy: 'dispatcher' });
  const a2other = alarm('a', { rev: 2, status: 'false_alarm' });
  const b5 = alarm('b', { rev: 5, priority: 2 });

  it.each([
    ['a new id is added', held(), [a1], { a: 1 }, ['a'], true],
    ['a higher rev replaces the held view', held(a1), [a2], { a: 2 }, [], true],
    ['a lower rev is ignored', held(a2), [a1], { a: 2 }, [], false],
    ['an equal rev is ignored (the held copy stays)', held(a2), [a2other], { a: 2 }, [], false],
    ['an empty batch changes nothing', held(a1, b5), [], { a: 1, b: 5 }, [], false],
    ['a batch of only stale copies changes nothing', held(a2, b5), [a1, a2, b5], { a: 2, b: 5 }, [], false],
    ['new and known ids together: only the new one is added', held(a1), [a2, b5], { a: 2, b: 5 }, ['b'], true],
    ['the same new id twice in one batch is added once', held(), [a1, a2], { a: 2 }, ['a'], true],
    ['older after newer in one batch: the newer stays', held(), [a2, a1], { a: 2 }, ['a'], true],
  ] as [string, Held<AlarmView>, AlarmView[], Record<string, number>, string[], boolean][])(
    '%s',
    (_what, before, incoming, revs, added, changed) => {
      const r = mergeAlarms(before, incoming);
      expect(Object.fromEntries([...r.next.byId].map(([id, a]) => [id, a.rev]))).toEqual(revs);
      expect(ids(r.added)).toEqual(added);
      expect(r.changed).toBe(changed);
    },
  );

  it('never touches the map it was given', () => {
    const before = held(a1);
    const r = mergeAlarms(before, [a2, b5]);
    expect(r.next).not.toBe(before);
    expect(before.byId.get('a')).toBe(a1);
    expect(before.byId.size).toBe(1);
  });

  it('keeps the held copy object when it is not older (no spurious re-render)', () => {
    expect(mergeAlarms(held(a2), [a2other]).next.byId.get('a')).toBe(a2);
  });

  it('reports a new id by its newest view in the batch (a popup must not show a stale status)', () => {
    const r = mergeAlarms(held(), [a1, a2]);
    expect(r.added).toEqual([a2]);
  });

  it.each([['false_alarm'], ['incident']] as [AlarmStatus][])(
    'an alarm that becomes %s stays held with that status, out of the open queue',
    (status) => {
      const closed = alarm('a', { rev: 3, status, handledBy: 'dispatcher', handledAt: iso(60) });
      const r = mergeAlarms(held(a1, b5), [closed]);
      expect(r.changed).toBe(true);
      expect(r.added).toEqual([]);
      // Held (the status filter can list it), but no longer open: the queue and its counts drop it.
      expect(r.next.byId.get('a')).toBe(closed);
      expect(isOpen(closed)).toBe(false);
      expect(ids([...r.next.byId.values()].filter(isOpen))).toEqual(['b']);
      // And a late copy of its open past cannot reopen it.
      expect(mergeAlarms(r.next, [a1, a2]).changed).toBe(false);
    },
  );
});

describe('the alarm store', () => {
  it('drops an alarm that left the open set from the queue and its counts, keeps it for the status filter', () => {
    setActivePinia(createPinia());
    const store = useAlarmStore();
    store.applySync({ mode: 'snapshot', rev: 5, items: [alarm('a', { rev: 1 }), alarm('b', { rev: 5, priority: 2 })] });
    expect(ids(store.queue)).toEqual(['a', 'b']);
    expect(store.counts).toEqual({ 1: 1, 2: 1, 3: 0, 4: 0 });

    store.applyBatch([alarm('a', { rev: 6, status: 'incident' })]);
    expect(ids(store.queue)).toEqual(['b']);
    expect(store.counts).toEqual({ 1: 0, 2: 1, 3: 0, 4: 0 });
    store.setFilters({ status: 'incident' });
    expect(ids(store.filtered)).toEqual(['a']);
  });

  it('pops up only alarms first seen live with status new, after the first sync', () => {
    setActivePinia(createPinia());
    const store = useAlarmStore();
    const popped: string[][] = [];
    store.onArrived((alarms) => popped.push(ids(alarms)));
    store.applyBatch([alarm('before-sync', { rev: 1 })]);
    store.applySync({ mode: 'delta', rev: 1, items: [] });
    store.applyBatch([alarm('x', { rev: 2 }), alarm('x', { rev: 3, status: 'acknowledged' }), alarm('y', { rev: 3 })]);
    store.applyBatch([alarm('y', { rev: 4, status: 'acknowledged' })]);
    expect(popped).toEqual([['y']]);
  });

  it('a snapshot read before a live alarm committed does not wipe it, nor undo a newer acknowledgement', () => {
    setActivePinia(createPinia());
    const store = useAlarmStore();
    store.applySync({ mode: 'snapshot', rev: 3, items: [alarm('old', { rev: 2 }), alarm('acked', { rev: 3 })] });
    // Reconnected: the catch-up is asked; the hub reads its snapshot (rev 10), and meanwhile pushes
    // a new alarm (rev 11) and an acknowledgement (rev 12) that arrive before the reply.
    const live = [alarm('live', { rev: 11 }), alarm('acked', { rev: 12, status: 'acknowledged' })];
    for (const a of live) store.applyBatch([a]);
    // Pushed before the catch-up started, and no longer open at the hub: the snapshot drops it.
    store.applySync(
      { mode: 'snapshot', rev: 10, items: [alarm('acked', { rev: 9 }), alarm('other', { rev: 10 })] },
      live,
    );
    expect(ids([...store.byId.values()]).sort()).toEqual(['acked', 'live', 'other']);
    expect(store.byId.get('acked')?.status).toBe('acknowledged');
    // Copies handed along that the snapshot already covers do not outlive it.
    store.applySync({ mode: 'snapshot', rev: 20, items: [] }, live);
    expect(store.byId.size).toBe(0);
  });

  it('a delta merges by rev and keeps what it does not name', () => {
    setActivePinia(createPinia());
    const store = useAlarmStore();
    store.applySync({ mode: 'snapshot', rev: 3, items: [alarm('a', { rev: 2 }), alarm('b', { rev: 3 })] });
    store.applyBatch([alarm('a', { rev: 8, status: 'acknowledged' })]);
    store.applySync({ mode: 'delta', rev: 9, items: [alarm('a', { rev: 5 }), alarm('c', { rev: 9 })] });
    expect(Object.fromEntries([...store.byId].map(([id, a]) => [id, a.rev]))).toEqual({ a: 8, b: 3, c: 9 });
  });
});

/**
 * The property. Revs are unique per hub, so one (id, rev) is one view; an id's views differ in
 * status and priority. Batches are drawn from those views with repeats and delivered in any order.
 */
const STATUSES: AlarmStatus[] = ['new', 'acknowledged', 'false_alarm', 'incident'];
const history = fc
  .array(
    fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      status: fc.constantFrom(...STATUSES),
      priority: fc.integer({ min: 1, max: 4 }),
    }),
    {
      minLength: 1,
      maxLength: 25,
    },
  )
  .map((changes) => changes.map((c, i) => alarm(c.id, { rev: i + 1, status: c.status, priority: c.priority })));

const deliveries = history.chain((views) =>
  fc.record({
    views: fc.constant(views),
    // Batches of picks (repeats allowed), the batches and their contents in any order.
    batches: fc.array(fc.array(fc.constantFrom(...views), { maxLength: 8 }), { minLength: 1, maxLength: 10 }),
  }),
);

function mergeAll(start: Held<AlarmView>, batches: readonly (readonly AlarmView[])[]) {
  let h = start;
  const added: string[] = [];
  for (const b of batches) {
    const r = mergeAlarms(h, b);
    if (!r.changed) expect(r.next).toEqual(h);
    h = r.next;
    added.push(...ids(r.added));
  }
  return { map: h.byId, held: h, added };
}

const byIdSorted = (m: ReadonlyMap<string, AlarmView>) => [...m.entries()].sort(([x], [y]) => (x < y ? -1 : 1));

describe('merging batches in any order', () => {
  it('ends with, per id, the view of its highest rev: the same as merging them sorted by rev', () => {
    fc.assert(
      fc.property(deliveries, ({ batches }) => {
        const got = mergeAll(held(), batches);
        const delivered = batches.flat();
        const inRevOrder = mergeAll(held(), [[...delivered].sort((x, y) => x.rev - y.rev)]);
        expect(byIdSorted(got.map)).toEqual(byIdSorted(inRevOrder.map));

        // Per id, the highest rev delivered.
        const highest = new Map<string, AlarmView>();
        for (const v of delivered) if ((highest.get(v.id)?.rev ?? -1) < v.rev) highest.set(v.id, v);
        expect(byIdSorted(got.map)).toEqual(byIdSorted(highest));
        // Every id announced as added exactly once, whatever the order.
        expect([...got.added].sort()).toEqual([...highest.keys()].sort());
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same queue (open alarms, in order) whatever order the batches arrive in', () => {
    fc.assert(
      fc.property(
        deliveries.chain((d) =>
          fc.record({ d: fc.constant(d), order: fc.shuffledSubarray(d.batches, { minLength: d.batches.length }) }),
        ),
        ({ d, order }) => {
          const queue = (m: ReadonlyMap<string, AlarmView>) => ids([...m.values()].filter(isOpen).sort(compareAlarms));
          expect(queue(mergeAll(held(), order).map)).toEqual(queue(mergeAll(held(), d.batches).map));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('replaying what is already held changes nothing', () => {
    fc.assert(
      fc.property(deliveries, ({ batches }) => {
        const { held: h } = mergeAll(held(), batches);
        for (const b of batches) {
          const r = mergeAlarms(h, b);
          expect(r.changed).toBe(false);
          expect(r.added).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
