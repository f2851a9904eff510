/**
 * One answer to a catch-up (alarm:sync, incident:sync; issue 13), whatever the stream: the rows of
 * a scope changed after `since`, a page at a time, or the open rows as a snapshot. Revs commit in
 * the order taken, so `maxRev` read before the rows bounds what is complete: a page ends at its
 * last row's rev (`more`: ask again since it), the last page at the newest rev. A snapshot is for a
 * first load, a `since` past this database's revs, or a screen more than `maxBehind` revs behind.
 */
export interface SyncSource<R extends { rev: number }> {
  maxRev(): Promise<number>;
  /** Rows changed after `since`, in rev order, at most `limit`. */
  changedSince(since: number, limit: number): Promise<R[]>;
  /** The open rows, newest change first. */
  open(): Promise<R[]>;
}

export interface SyncPage<R> {
  mode: 'delta' | 'snapshot';
  rev: number;
  rows: R[];
  more?: true;
}

export async function syncPage<R extends { rev: number }>(
  source: SyncSource<R>,
  since: number | null,
  page: number,
  maxBehind: number,
): Promise<SyncPage<R>> {
  const rev = await source.maxRev();
  if (since !== null && since <= rev && rev - since <= maxBehind) {
    const rows = await source.changedSince(since, page + 1);
    if (rows.length > page) {
      const first = rows.slice(0, page);
      return { mode: 'delta', rev: first[first.length - 1]!.rev, rows: first, more: true };
    }
    return { mode: 'delta', rev: Math.max(rev, rows[rows.length - 1]?.rev ?? 0), rows };
  }
  const rows = await source.open();
  return { mode: 'snapshot', rev: Math.max(rev, rows[0]?.rev ?? 0), rows };
}

/** What a rev-synced collection offers the realtime feed (server/realtime/rev-feed.ts). */
export interface FeedSource<V> {
  /** Committed changes with rev > after, in rev order, at most `limit`, every region. */
  read(after: number, limit: number): Promise<V[]>;
  /** The highest committed rev (0 when none). */
  maxRev(): Promise<number>;
  rev(v: V): number;
}
