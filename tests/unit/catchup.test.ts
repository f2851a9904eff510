/**
 * A screen's catch-up per stream (client/src/realtime/catchup.ts, issue 13) on fake timers: the
 * backoff, retries after a timeout, an {error} answer or a dropped link, late answers kept unless a
 * newer one was applied, the cursor and gap detection over batches complete on (from, rev], and a
 * property: whatever batches are lost and however late or badly the hub answers, the screen ends
 * holding exactly the hub's set, in step.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { retryDelay, StreamCatchup, type SyncOutcome } from '@client/realtime/catchup';

/** A reply as the hub sends one: the items are (id, rev) pairs. */
interface Reply {
  mode: 'delta' | 'snapshot';
  rev: number;
  items: Item[];
  more?: boolean;
}
interface Item {
  id: string;
  rev: number;
}

const TIMEOUT = 8_000;

/** A catch-up wired to a recorder: every request it sends, every reply it applies, every state change. */
function harness(opts: { random?: () => number } = {}) {
  const requests: { since: number | null; answer: (o: SyncOutcome<Reply>) => void }[] = [];
  const applied: { reply: Reply; live: Item[] }[] = [];
  const states: boolean[] = [];
  const c = new StreamCatchup<Reply, Item>({
    send: (since, done) => requests.push({ since, answer: done }),
    apply: (reply, live) => applied.push({ reply, live: [...live] }),
    onSyncedChange: (s) => states.push(s),
    timeoutMs: TIMEOUT,
    // The middle of the jitter range: delays are 0.75 × the exponential step.
    random: opts.random ?? (() => 0.5),
  });
  const ok = (reply: Reply): SyncOutcome<Reply> => ({ ok: true, reply });
  return { c, requests, applied, states, ok };
}

const snap = (rev: number, items: Item[] = []): Reply => ({ mode: 'snapshot', rev, items });
const delta = (rev: number, items: Item[] = []): Reply => ({ mode: 'delta', rev, items });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retryDelay', () => {
  it.each([
    [1, 0, 500],
    [1, 0.5, 750],
    [2, 0, 1_000],
    [3, 0.5, 3_000],
    [5, 0, 8_000],
    [6, 0.5, 22_500], // 32 s capped at 30: 15 s and half of the other 15
    [40, 0, 15_000], // no overflow however long it fails
  ])('failure %i with random %d waits %i ms', (failures, random, ms) => {
    expect(retryDelay(failures, 1_000, 30_000, random)).toBe(ms);
  });
});

describe('asking, timing out, retrying', () => {
  it('asks a snapshot on the first greeting and is in step once it is applied', () => {
    const { c, requests, applied, states, ok } = harness();
    expect(c.synced).toBe(false);
    c.linkUp();
    expect(requests.map((r) => r.since)).toEqual([null]);
    requests[0]!.answer(ok(snap(40, [{ id: 'a', rev: 40 }])));
    expect(applied.map((a) => a.reply.rev)).toEqual([40]);
    expect(c.cursor).toBe(40);
    expect(c.synced).toBe(true);
    expect(states).toEqual([true]);
  });

  it('a request unanswered past the timeout is asked again, backing off 1 s, 2 s, 4 s … 30 s', () => {
    const { c, requests } = harness();
    c.linkUp();
    const askedAt: number[] = [Date.now()];
    let seen = 1;
    for (let i = 0; i < 8; i++) {
      vi.advanceTimersByTime(100);
      while (requests.length === seen) vi.advanceTimersByTime(50);
      seen = requests.length;
      askedAt.push(Date.now());
    }
    const gaps = askedAt.slice(1).map((t, i) => t - askedAt[i]! - TIMEOUT);
    // Each gap is the timeout, then 0.75 × the step (random pinned at 0.5), to the 50 ms the loop steps by.
    const expected = [1, 2, 4, 8, 16, 30, 30, 30].map((s) => s * 750);
    gaps.forEach((g, i) => expect(Math.abs(g - expected[i]!)).toBeLessThanOrEqual(100));
    expect(requests.every((r) => r.since === null)).toBe(true);
    expect(c.synced).toBe(false);
  });

  it('a late answer to a timed-out request is still applied when no newer one was, and the retry is then forgotten', () => {
    const { c, requests, applied, ok } = harness();
    c.linkUp();
    vi.advanceTimersByTime(TIMEOUT + 750);
    expect(requests).toHaveLength(2);
    requests[0]!.answer(ok(snap(12, [{ id: 'a', rev: 12 }])));
    expect(applied.map((a) => a.reply.rev)).toEqual([12]);
    expect(c.synced).toBe(true);
    // The retry's answer, when it comes, adds nothing the cursor does not cover: ignored.
    requests[1]!.answer(ok(snap(13)));
    expect(applied).toHaveLength(1);
    // And nothing is asked again.
    vi.advanceTimersByTime(120_000);
    expect(requests).toHaveLength(2);
  });

  it('a late answer is not applied after a newer request’s answer was (it would step back)', () => {
    const { c, requests, applied, ok } = harness();
    c.linkUp();
    vi.advanceTimersByTime(TIMEOUT + 750);
    requests[1]!.answer(ok(snap(20, [{ id: 'a', rev: 20 }])));
    requests[0]!.answer(ok(snap(10, [{ id: 'a', rev: 10 }])));
    expect(applied.map((a) => a.reply.rev)).toEqual([20]);
    expect(c.cursor).toBe(20);
  });

  it('a late answer that comes while the retry is waiting out its backoff is applied, and the retry never goes', () => {
    const { c, requests, applied, ok } = harness();
    c.linkUp();
    vi.advanceTimersByTime(TIMEOUT + 100);
    expect(requests).toHaveLength(1);
    requests[0]!.answer(ok(snap(5)));
    expect(applied).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    expect(requests).toHaveLength(1);
  });

  it('an {error} answer is retried with backoff; the hub turning ready sends the retry at once', () => {
    const { c, requests, applied, ok } = harness();
    c.linkUp();
    requests[0]!.answer({ ok: false, error: 'service/not-ready' });
    vi.advanceTimersByTime(700);
    expect(requests).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(requests).toHaveLength(2); // 750 ms: the first step
    requests[1]!.answer({ ok: false, error: 'service/not-ready' });
    expect(c.retries).toBe(2);
    c.nudge();
    expect(requests).toHaveLength(3);
    requests[2]!.answer(ok(snap(3)));
    expect(applied).toHaveLength(1);
    expect(c.synced).toBe(true);
    expect(c.retries).toBe(0);
  });

  it('an {error} from an older, timed-out request does not add a second retry', () => {
    const { c, requests } = harness();
    c.linkUp();
    vi.advanceTimersByTime(TIMEOUT + 750); // retry 2 is out
    requests[0]!.answer({ ok: false, error: 'late refusal' });
    vi.advanceTimersByTime(TIMEOUT - 1);
    expect(requests).toHaveLength(2);
  });

  it('a nudge with nothing waiting asks nothing', () => {
    const { c, requests, ok } = harness();
    c.nudge();
    c.linkUp();
    c.nudge(); // a request is out: it is waited for
    expect(requests).toHaveLength(1);
    requests[0]!.answer(ok(snap(1)));
    c.nudge();
    expect(requests).toHaveLength(1);
  });
});

describe('the link', () => {
  it('a dropped link forgets its requests and asks nothing until the next greeting, which asks a delta since the cursor', () => {
    const { c, requests, applied, states, ok } = harness();
    c.linkUp();
    requests[0]!.answer(ok(snap(7)));
    c.linkUp(); // a reconnect (recovered or not): asks again all the same
    expect(requests.map((r) => r.since)).toEqual([null, 7]);
    c.linkDown();
    expect(c.synced).toBe(false);
    vi.advanceTimersByTime(300_000);
    expect(requests).toHaveLength(2);
    // The answer to the request on the dead link, should it come, is not applied.
    requests[1]!.answer(ok(delta(9)));
    expect(applied).toHaveLength(1);
    c.batch(7, 9, [{ id: 'x', rev: 9 }]); // before the greeting: the catch-up after it covers this
    expect(c.cursor).toBe(7);
    c.linkUp();
    expect(requests.map((r) => r.since)).toEqual([null, 7, 7]);
    requests[2]!.answer(ok(delta(9, [{ id: 'x', rev: 9 }])));
    expect(c.cursor).toBe(9);
    expect(states).toEqual([true, false, true]);
  });
});

describe('the cursor and gaps', () => {
  function inStepAt(rev: number) {
    const h = harness();
    h.c.linkUp();
    h.requests[0]!.answer(h.ok(snap(rev)));
    return h;
  }

  it('a batch that follows the cursor advances it; one that starts past it asks a delta since the cursor', () => {
    const { c, requests, applied, states, ok } = inStepAt(10);
    c.batch(10, 12, [{ id: 'a', rev: 12 }]);
    c.batch(8, 13, [{ id: 'b', rev: 13 }]); // overlapping is fine
    expect(c.cursor).toBe(13);
    expect(requests).toHaveLength(1);

    c.batch(15, 17, [{ id: 'c', rev: 17 }]); // (13, 15] never came
    expect(c.cursor).toBe(13);
    expect(c.synced).toBe(false);
    expect(requests.map((r) => r.since)).toEqual([null, 13]);
    requests[1]!.answer(
      ok(
        delta(17, [
          { id: 'd', rev: 14 },
          { id: 'c', rev: 17 },
        ]),
      ),
    );
    expect(c.cursor).toBe(17);
    expect(c.synced).toBe(true);
    expect(states).toEqual([true, false, true]);
    // The gap's batch was handed to the answer as a live copy.
    expect(applied[1]!.live).toEqual([{ id: 'c', rev: 17 }]);
  });

  it('batches during a catch-up are remembered and applied in order of `from` after the answer', () => {
    const { c, requests, applied, ok } = harness();
    c.linkUp();
    c.batch(22, 25, [{ id: 'b', rev: 25 }]); // they cross: the later range first
    c.batch(19, 22, [{ id: 'a', rev: 22 }]);
    expect(c.cursor).toBe(null);
    requests[0]!.answer(ok(snap(20)));
    expect(c.cursor).toBe(25);
    expect(c.synced).toBe(true);
    expect(applied[0]!.live).toEqual([
      { id: 'b', rev: 25 },
      { id: 'a', rev: 22 },
    ]);
  });

  it('a remembered range still beyond the answer asks again since the new cursor', () => {
    const { c, requests, ok } = harness();
    c.linkUp();
    c.batch(20, 22, [{ id: 'a', rev: 22 }]);
    requests[0]!.answer(ok(snap(18)));
    expect(c.cursor).toBe(18);
    expect(c.synced).toBe(false);
    vi.advanceTimersByTime(750);
    expect(requests.map((r) => r.since)).toEqual([null, 18]);
    requests[1]!.answer(ok(delta(21)));
    expect(c.cursor).toBe(22); // 21, then the remembered (20, 22]
    expect(c.synced).toBe(true);
  });

  it('a delta page with `more` asks the next page at once, since its rev, and is in step only after the last', () => {
    const { c, requests, states, ok } = harness();
    c.linkUp();
    requests[0]!.answer(ok(snap(10)));
    c.batch(30, 31, [{ id: 'x', rev: 31 }]); // a gap: 11..30 missed
    expect(requests.map((r) => r.since)).toEqual([null, 10]);
    requests[1]!.answer(ok({ ...delta(20, [{ id: 'a', rev: 20 }]), more: true }));
    expect(requests.map((r) => r.since)).toEqual([null, 10, 20]); // no backoff: at once
    expect(c.cursor).toBe(20);
    expect(c.synced).toBe(false);
    requests[2]!.answer(ok(delta(31, [{ id: 'b', rev: 25 }])));
    expect(c.cursor).toBe(31);
    expect(c.synced).toBe(true);
    expect(states).toEqual([true, false, true]);
    vi.advanceTimersByTime(120_000);
    expect(requests).toHaveLength(3);
  });

  it('a delta never moves the cursor back; a snapshot sets it', () => {
    const { c, requests, ok } = inStepAt(30);
    c.batch(40, 41, []);
    requests[1]!.answer(ok(delta(25)));
    expect(c.cursor).toBe(30);
    expect(c.synced).toBe(false);
    vi.advanceTimersByTime(750);
    requests[2]!.answer(ok(snap(41)));
    expect(c.cursor).toBe(41);
    expect(c.synced).toBe(true);
  });

  it('a snapshot answer keeps the copies pushed since the oldest request that may still answer', () => {
    const { c, requests, applied, ok } = harness();
    c.linkUp();
    c.batch(0, 3, [{ id: 'a', rev: 3 }]);
    vi.advanceTimersByTime(TIMEOUT + 750);
    c.batch(3, 5, [{ id: 'b', rev: 5 }]);
    // The first request's late snapshot (read at rev 2) gets both batches; both ranges then apply.
    requests[0]!.answer(ok(snap(2)));
    expect(applied[0]!.live.map((i) => i.id)).toEqual(['a', 'b']);
    expect(c.cursor).toBe(5);
  });
});

/**
 * The property: a hub commits changes to a handful of ids and pushes each as a batch complete over
 * (told, rev]; some batches are lost; every sync request is answered at once, late (past the
 * timeout), with an {error}, or never; the link may drop once. When the hub stops changing, the
 * screen ends in step, at the hub's rev, holding each id at its latest rev.
 */
type Fate = { kind: 'answer'; delayMs: number } | { kind: 'error'; delayMs: number } | { kind: 'never' };
const fate: fc.Arbitrary<Fate> = fc.oneof(
  fc.record({
    kind: fc.constant('answer' as const),
    delayMs: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.integer({ min: TIMEOUT, max: 3 * TIMEOUT })),
  }),
  fc.record({ kind: fc.constant('error' as const), delayMs: fc.integer({ min: 0, max: 2_000 }) }),
  fc.constant({ kind: 'never' as const }),
);

describe('whatever is lost or late', () => {
  it('ends in step with exactly the hub’s set', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
            lost: fc.boolean(),
            gapMs: fc.integer({ min: 0, max: 3_000 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.array(fate, { maxLength: 12 }),
        fc.option(fc.record({ afterChange: fc.nat(), downMs: fc.integer({ min: 1, max: 5_000 }) }), { nil: null }),
        // Deltas in pages of this many (`more` until the last).
        fc.integer({ min: 1, max: 4 }),
        (changes, fates, drop, pageSize) => {
          vi.clearAllTimers();
          // The hub: latest rev per id, its rev, and how far this screen's room was told.
          const latest = new Map<string, number>();
          let hubRev = 0;
          let told = 0;
          // The screen's store: id → rev, merged by rev; a snapshot replaces, keeping newer live copies.
          let held = new Map<string, number>();
          const merge = (items: readonly Item[]) => {
            for (const i of items) if ((held.get(i.id) ?? -1) < i.rev) held.set(i.id, i.rev);
          };
          let link = 0; // answers on an older link never arrive
          let up = false;
          let asked = 0;
          const c = new StreamCatchup<Reply, Item>({
            send: (since, done) => {
              const f = fates[asked++] ?? { kind: 'answer', delayMs: 10 };
              const items = [...latest]
                .filter(([, rev]) => since === null || rev > since)
                .map(([id, rev]) => ({ id, rev }));
              items.sort((a, b) => a.rev - b.rev);
              const paged = since !== null && items.length > pageSize;
              const page = paged ? items.slice(0, pageSize) : items;
              const reply: Reply = paged
                ? { mode: 'delta', rev: page[page.length - 1]!.rev, items: page, more: true }
                : { mode: since === null ? 'snapshot' : 'delta', rev: hubRev, items };
              const on = link;
              if (f.kind === 'never') return;
              setTimeout(() => {
                if (on === link && up)
                  done(f.kind === 'answer' ? { ok: true, reply } : { ok: false, error: 'service/unavailable' });
              }, f.delayMs);
            },
            apply: (reply, live) => {
              if (reply.mode === 'snapshot') {
                held = new Map(reply.items.map((i) => [i.id, i.rev]));
                merge(live.filter((i) => i.rev > reply.rev));
              } else merge(reply.items);
            },
            timeoutMs: TIMEOUT,
          });
          up = true;
          c.linkUp();
          changes.forEach((ch, n) => {
            vi.advanceTimersByTime(ch.gapMs);
            if (drop && drop.afterChange === n) {
              up = false;
              link++;
              c.linkDown();
              vi.advanceTimersByTime(drop.downMs);
              up = true;
              c.linkUp();
            }
            hubRev++;
            latest.set(ch.id, hubRev);
            const from = told;
            told = hubRev;
            if (ch.lost) return; // never reached this screen (the hub thinks it did)
            const items = [{ id: ch.id, rev: hubRev }];
            merge(items);
            c.batch(from, hubRev, items);
          });
          // A lost last batch shows only in the next one's `from`: one more change arrives intact.
          hubRev++;
          latest.set('z', hubRev);
          const from = told;
          told = hubRev;
          merge([{ id: 'z', rev: hubRev }]);
          c.batch(from, hubRev, [{ id: 'z', rev: hubRev }]);
          vi.advanceTimersByTime(10 * 60_000);

          expect(c.synced).toBe(true);
          expect(c.cursor).toBe(hubRev);
          expect(Object.fromEntries([...held].sort())).toEqual(Object.fromEntries([...latest].sort()));
        },
      ),
      { numRuns: 300 },
    );
  });
});
