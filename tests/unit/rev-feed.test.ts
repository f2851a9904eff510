/**
 * The rev feed (server/realtime/rev-feed.ts) against an in-memory "database" of committed changes:
 * deliveries are contiguous over (from, to], a hub's own commits need no read when they follow the
 * cursor, another hub's commits (a hole) are read, a rolled-back rev (a hole nobody fills) is passed,
 * and a failed read is retried without losing anything.
 */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { RevFeed, type FeedDelivery, type FeedSource } from '@server/realtime/rev-feed';

interface Row {
  id: string;
  rev: number;
}

function fakeDb() {
  const rows = new Map<string, Row>();
  let failNext = 0;
  const db = {
    reads: 0,
    commit(id: string, rev: number): Row {
      const r = { id, rev };
      rows.set(id, r);
      return r;
    },
    failReads(n: number) {
      failNext = n;
    },
    source: {
      read: (after: number, limit: number): Promise<Row[]> => {
        db.reads++;
        if (failNext > 0) {
          failNext--;
          return Promise.reject(new Error('connection lost'));
        }
        return Promise.resolve(
          [...rows.values()]
            .filter((r) => r.rev > after)
            .sort((a, b) => a.rev - b.rev)
            .slice(0, limit),
        );
      },
      maxRev: (): Promise<number> => Promise.resolve(Math.max(0, ...[...rows.values()].map((r) => r.rev))),
      rev: (r: Row) => r.rev,
    } satisfies FeedSource<Row>,
  };
  return db;
}

const log = pino({ level: 'silent' });

function collector() {
  const got: FeedDelivery<Row>[] = [];
  return { got, deliver: (d: FeedDelivery<Row>) => void got.push(d) };
}

/** Every delivery starts where the previous one ended. */
function contiguous(got: FeedDelivery<Row>[], start: number): number {
  let at = start;
  for (const d of got) {
    expect(d.from).toBe(at);
    expect(d.to).toBeGreaterThanOrEqual(d.from);
    for (const i of d.items) expect(i.rev > d.from && i.rev <= d.to).toBe(true);
    at = d.to;
  }
  return at;
}

describe('rev feed', () => {
  it("delivers this hub's own commits without a read when they follow the cursor", async () => {
    const db = fakeDb();
    db.commit('a', 1);
    const c = collector();
    const feed = new RevFeed('t', db.source, c.deliver, log, 60_000);
    expect(await feed.start()).toBe(1);
    const readsAfterStart = db.reads;
    feed.offer([db.commit('b', 2), db.commit('c', 3)]);
    await feed.settle();
    expect(db.reads).toBe(readsAfterStart);
    expect(c.got).toEqual([
      {
        from: 1,
        to: 3,
        items: [
          { id: 'b', rev: 2 },
          { id: 'c', rev: 3 },
        ],
      },
    ]);
    feed.stop();
  });

  it("reads another hub's commits below its own (a hole), in order, without a gap", async () => {
    const db = fakeDb();
    const c = collector();
    const feed = new RevFeed('t', db.source, c.deliver, log, 60_000);
    await feed.start();
    db.commit('other-1', 1);
    db.commit('other-2', 2);
    feed.offer([db.commit('mine', 3)]);
    await feed.settle();
    expect(contiguous(c.got, 0)).toBe(3);
    expect(c.got.flatMap((d) => d.items.map((i) => i.id))).toEqual(['other-1', 'other-2', 'mine']);
    feed.stop();
  });

  it('passes a rev a rolled-back transaction took (a hole nobody fills)', async () => {
    const db = fakeDb();
    const c = collector();
    const feed = new RevFeed('t', db.source, c.deliver, log, 60_000);
    await feed.start();
    // rev 1 was taken and rolled back: never committed.
    feed.offer([db.commit('x', 2)]);
    await feed.settle();
    expect(contiguous(c.got, 0)).toBe(2);
    feed.offer([db.commit('y', 3)]);
    await feed.settle();
    expect(contiguous(c.got, 0)).toBe(3);
    feed.stop();
  });

  it('an object changed twice is delivered in its latest state; a stale offer is ignored', async () => {
    const db = fakeDb();
    const c = collector();
    const feed = new RevFeed('t', db.source, c.deliver, log, 60_000);
    await feed.start();
    db.commit('a', 1);
    db.commit('a', 2); // changed again by another hub before this one read
    feed.kick();
    await feed.settle();
    feed.offer([{ id: 'a', rev: 1 }]);
    await feed.settle();
    expect(c.got).toEqual([{ from: 0, to: 2, items: [{ id: 'a', rev: 2 }] }]);
    feed.stop();
  });

  it('a failed read loses nothing: the next poll reads from the same cursor', async () => {
    const db = fakeDb();
    const c = collector();
    const feed = new RevFeed('t', db.source, c.deliver, log, 20);
    await feed.start();
    db.failReads(2);
    db.commit('a', 1);
    db.commit('b', 2);
    feed.kick();
    await new Promise((r) => setTimeout(r, 400));
    await feed.settle();
    expect(contiguous(c.got, 0)).toBe(2);
    expect(c.got.flatMap((d) => d.items.map((i) => i.id))).toEqual(['a', 'b']);
    feed.stop();
  });

  it('stopped, it reads and delivers nothing; started again, it begins at the newest rev', async () => {
    const db = fakeDb();
    const c = collector();
    const feed = new RevFeed('t', db.source, c.deliver, log, 60_000);
    await feed.start();
    feed.stop();
    db.commit('a', 1);
    feed.offer([{ id: 'a', rev: 1 }]);
    feed.kick();
    await feed.settle();
    expect(c.got).toEqual([]);
    expect(await feed.start()).toBe(1);
    feed.stop();
  });
});
