/**
 * The client's incident merge (client/src/stores/revCollection.ts holding only open incidents, as
 * client/src/stores/incidents.ts uses it): what a screen holds after live batches and catch-up
 * replies cross in any order. Table-driven cases for
 * the rev rule and the open set (closed, merged and cancelled incidents leave it and a late copy of
 * their past cannot bring them back), the store's snapshot during a catch-up, then properties: any
 * delivery order ends where merging by rev does.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPinia, setActivePinia } from 'pinia';
import type { IncidentStatus } from '@shared/incident-machine';
import { INCIDENT_STATUSES, OPEN_STATUSES } from '@shared/incident-machine';
import type { IncidentView } from '@shared/incidents';
import {
  applySyncReply as applyReply,
  emptyHeld,
  mergeByRev,
  type Held,
  type SyncItems,
} from '@client/stores/revCollection';
import { isOpenIncident, useIncidentStore } from '@client/stores/incidents';
import { incident } from './support/incident-view';

type HeldIncidents = Held<IncidentView>;
const EMPTY_HELD: HeldIncidents = emptyHeld();
/** The incident store's merge: only open incidents are held. */
const mergeIncidents = (h: HeldIncidents, incoming: readonly IncidentView[]) => mergeByRev(h, incoming, isOpenIncident);
const applySyncReply = (h: HeldIncidents, reply: SyncItems<IncidentView>, live: readonly IncidentView[]) =>
  applyReply(h, reply, live, isOpenIncident);
const held = (...incidents: IncidentView[]): HeldIncidents => ({
  byId: new Map(incidents.map((i) => [i.id, i])),
  gone: new Map(),
  floor: 0,
});
const revs = (h: HeldIncidents) => Object.fromEntries([...h.byId].map(([id, i]) => [id, i.rev]));
const ids = (list: readonly IncidentView[]) => list.map((i) => i.id);

describe('mergeIncidents', () => {
  const a1 = incident('a', { rev: 1 });
  const a2 = incident('a', { rev: 2, version: 2, status: 'accepted' });
  const a2other = incident('a', { rev: 2, version: 2, status: 'dispatched' });
  const a3closed = incident('a', { rev: 3, version: 3, status: 'closed' });
  const b5 = incident('b', { rev: 5, priority: 1 });

  it.each([
    ['a new id is added', held(), [a1], { a: 1 }, ['a'], [], true],
    ['a higher rev replaces the held copy', held(a1), [a2], { a: 2 }, [], [], true],
    ['a lower rev is ignored', held(a2), [a1], { a: 2 }, [], [], false],
    ['an equal rev is ignored (the held copy stays)', held(a2), [a2other], { a: 2 }, [], [], false],
    ['an empty batch changes nothing', held(a1, b5), [], { a: 1, b: 5 }, [], [], false],
    ['new and known ids together: only the new one is added', held(a1), [a2, b5], { a: 2, b: 5 }, ['b'], [], true],
    ['the same new id twice in one batch is added once, newest copy', held(), [a1, a2], { a: 2 }, ['a'], [], true],
    ['older after newer in one batch: the newer stays', held(), [a2, a1], { a: 2 }, ['a'], [], true],
    ['a closed copy takes a held incident out', held(a1, b5), [a3closed], { b: 5 }, [], ['a'], true],
    ['an incident first seen closed is never added', held(b5), [a3closed], { b: 5 }, [], [], true],
    ['opened and closed in one batch: neither added nor removed', held(), [a1, a3closed], {}, [], [], true],
  ] as [string, HeldIncidents, IncidentView[], Record<string, number>, string[], string[], boolean][])(
    '%s',
    (_what, before, incoming, expected, added, removed, changed) => {
      const r = mergeIncidents(before, incoming);
      expect(revs(r.next)).toEqual(expected);
      expect(ids(r.added)).toEqual(added);
      expect(r.removed).toEqual(removed);
      expect(r.changed).toBe(changed);
    },
  );

  it.each([['closed'], ['merged'], ['cancelled']] as [IncidentStatus][])(
    'a %s incident leaves, and a late copy of its open past cannot bring it back',
    (status) => {
      const left = mergeIncidents(held(a1, b5), [incident('a', { rev: 4, status })]).next;
      expect(revs(left)).toEqual({ b: 5 });
      expect(left.gone.get('a')).toBe(4);
      expect(mergeIncidents(left, [a1, a2]).changed).toBe(false);
    },
  );

  it.each([...OPEN_STATUSES].map((s) => [s]))('%s is open', (status) => {
    expect(isOpenIncident({ status })).toBe(true);
  });

  it('reopening (a higher rev, open again) brings it back', () => {
    const left = mergeIncidents(held(a1), [a3closed]).next;
    const back = mergeIncidents(left, [incident('a', { rev: 9, status: 'dispatched' })]);
    expect(revs(back.next)).toEqual({ a: 9 });
    expect(back.next.gone.has('a')).toBe(false);
    // Known before (it left): not announced as new.
    expect(back.added).toEqual([]);
  });

  it('never touches the state it was given, and returns it as is when nothing is newer', () => {
    const before = held(a1);
    const r = mergeIncidents(before, [a2, b5]);
    expect(r.next).not.toBe(before);
    expect(before.byId.get('a')).toBe(a1);
    expect(before.byId.size).toBe(1);
    expect(mergeIncidents(before, [a1]).next).toBe(before);
  });

  it('below the floor (the last catch-up), a copy of an id the screen does not hold is stale', () => {
    const afterSync: HeldIncidents = { ...held(b5), floor: 10 };
    expect(mergeIncidents(afterSync, [incident('c', { rev: 7 })]).changed).toBe(false);
    expect(revs(mergeIncidents(afterSync, [incident('c', { rev: 11 })]).next)).toEqual({ b: 5, c: 11 });
  });
});

describe('applySyncReply', () => {
  it('a delta merges, raises the floor and forgets tombstones below it', () => {
    const start = mergeIncidents(held(incident('a', { rev: 1 })), [incident('x', { rev: 4, status: 'closed' })]).next;
    const next = applySyncReply(
      start,
      { mode: 'delta', rev: 8, items: [incident('a', { rev: 6, status: 'accepted' }), incident('b', { rev: 7 })] },
      [],
    );
    expect(revs(next)).toEqual({ a: 6, b: 7 });
    expect(next.floor).toBe(8);
    expect(next.gone.size).toBe(0);
    // The floor still refuses the closed one's past.
    expect(mergeIncidents(next, [incident('x', { rev: 2 })]).changed).toBe(false);
  });

  it('a snapshot replaces what is held, but keeps live copies newer than it', () => {
    const start = held(incident('old', { rev: 2 }), incident('acked', { rev: 3 }));
    const live = [
      incident('live', { rev: 11 }),
      incident('acked', { rev: 12, status: 'accepted' }),
      incident('stale', { rev: 9 }),
    ];
    const next = applySyncReply(
      start,
      { mode: 'snapshot', rev: 10, items: [incident('acked', { rev: 9 }), incident('other', { rev: 10 })] },
      live,
    );
    expect(revs(next)).toEqual({ acked: 12, live: 11, other: 10 });
    expect(next.byId.get('acked')?.status).toBe('accepted');
    expect(next.floor).toBe(10);
  });

  it('a snapshot drops an incident that closed before it, even if a live copy of its past came in meanwhile', () => {
    const next = applySyncReply(held(), { mode: 'snapshot', rev: 10, items: [] }, [incident('gone', { rev: 8 })]);
    expect(next.byId.size).toBe(0);
  });
});

describe('the incident store', () => {
  it('lists the open incidents, filtered and sorted; a closed one leaves the list and the counts', () => {
    setActivePinia(createPinia());
    const store = useIncidentStore();
    store.applySync({
      mode: 'snapshot',
      rev: 5,
      items: [incident('a', { rev: 1, priority: 3 }), incident('b', { rev: 5, priority: 1, flagged: true })],
    });
    expect(ids(store.filtered)).toEqual(['b', 'a']);
    expect(store.counts).toMatchObject({ 1: 1, 3: 1, flagged: 1, total: 2 });

    store.applyBatch([incident('b', { rev: 6, status: 'cancelled' })]);
    expect(ids(store.filtered)).toEqual(['a']);
    expect(store.counts).toMatchObject({ 1: 0, 3: 1, flagged: 0, total: 1 });

    store.setFilters({ priority: 1 });
    expect(ids(store.filtered)).toEqual([]);
  });

  it('a snapshot read before a live incident committed does not wipe it', () => {
    setActivePinia(createPinia());
    const store = useIncidentStore();
    store.applySync({ mode: 'snapshot', rev: 3, items: [incident('old', { rev: 2 })] });
    // The catch-up hands along what was pushed while it was asked.
    const live = [incident('live', { rev: 11 })];
    store.applyBatch(live);
    store.applySync({ mode: 'snapshot', rev: 10, items: [incident('other', { rev: 10 })] }, live);
    expect([...store.byId.keys()].sort()).toEqual(['live', 'other']);
    // Pushed copies the snapshot already covers do not outlive it.
    store.applyBatch([incident('later', { rev: 13 })]);
    store.applySync({ mode: 'snapshot', rev: 20, items: [] }, live);
    expect(store.byId.size).toBe(0);
  });

  it('an answer to our own write merges by rev: an older answer after a newer push changes nothing', () => {
    setActivePinia(createPinia());
    const store = useIncidentStore();
    store.applyBatch([incident('a', { rev: 4, status: 'dispatched', version: 3 })]);
    store.upsert(incident('a', { rev: 3, status: 'accepted', version: 2 }));
    expect(store.byId.get('a')?.status).toBe('dispatched');
  });
});

/**
 * The property. Revs are unique per hub, so one (id, rev) is one copy; an id's copies differ in
 * status (open or not) and priority. Batches are drawn from those copies with repeats and delivered
 * in any order.
 */
const history = fc
  .array(
    fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      status: fc.constantFrom(...INCIDENT_STATUSES),
      priority: fc.integer({ min: 1, max: 4 }),
    }),
    {
      minLength: 1,
      maxLength: 25,
    },
  )
  .map((changes) => changes.map((c, i) => incident(c.id, { rev: i + 1, status: c.status, priority: c.priority })));

const deliveries = history.chain((copies) =>
  fc.record({
    batches: fc.array(fc.array(fc.constantFrom(...copies), { maxLength: 8 }), { minLength: 1, maxLength: 10 }),
  }),
);

function mergeAll(start: HeldIncidents, batches: readonly (readonly IncidentView[])[]): HeldIncidents {
  let h = start;
  for (const b of batches) h = mergeIncidents(h, b).next;
  return h;
}

const sorted = (h: HeldIncidents) => [...h.byId.entries()].sort(([x], [y]) => (x < y ? -1 : 1));

describe('merging batches in any order', () => {
  it('ends with, per id, its highest-rev copy when that copy is open (and nothing for the others)', () => {
    fc.assert(
      fc.property(deliveries, ({ batches }) => {
        const got = mergeAll(EMPTY_HELD, batches);
        const highest = new Map<string, IncidentView>();
        for (const v of batches.flat()) if ((highest.get(v.id)?.rev ?? -1) < v.rev) highest.set(v.id, v);
        const expected = [...highest.values()].filter(isOpenIncident);
        expect(sorted(got)).toEqual(sorted(held(...expected)));
        expect(sorted(got)).toEqual(sorted(mergeAll(EMPTY_HELD, [[...batches.flat()].sort((x, y) => x.rev - y.rev)])));
      }),
      { numRuns: 500 },
    );
  });

  it('the same open set whatever order the batches arrive in', () => {
    fc.assert(
      fc.property(
        deliveries.chain((d) =>
          fc.record({ d: fc.constant(d), order: fc.shuffledSubarray(d.batches, { minLength: d.batches.length }) }),
        ),
        ({ d, order }) => {
          expect(sorted(mergeAll(EMPTY_HELD, order))).toEqual(sorted(mergeAll(EMPTY_HELD, d.batches)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('replaying what was delivered changes nothing', () => {
    fc.assert(
      fc.property(deliveries, ({ batches }) => {
        const h = mergeAll(EMPTY_HELD, batches);
        for (const b of batches) expect(mergeIncidents(h, b).changed).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('a snapshot at any point, with the live copies that crossed it, ends where merging everything does', () => {
    fc.assert(
      fc.property(
        history.chain((copies) =>
          fc.record({
            copies: fc.constant(copies),
            cut: fc.integer({ min: 0, max: copies.length }),
            seen: fc.subarray(copies),
          }),
        ),
        ({ copies, cut, seen }) => {
          // The hub's open set as of rev `cut`, and every copy after it arriving live around the reply.
          const asOf = mergeAll(EMPTY_HELD, [copies.slice(0, cut)]);
          const after = copies.slice(cut);
          const next = applySyncReply(
            mergeAll(EMPTY_HELD, [seen]),
            { mode: 'snapshot', rev: cut, items: [...asOf.byId.values()] },
            [...seen, ...after],
          );
          expect(sorted(next)).toEqual(sorted(mergeAll(EMPTY_HELD, [copies])));
        },
      ),
      { numRuns: 300 },
    );
  });
});
