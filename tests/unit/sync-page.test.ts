/**
 * A catch-up answer (server/services/sync-page.ts, issue 13): deltas in pages, each complete up to
 * its last rev, the last one up to the newest rev; a snapshot on first load, past the revs, or too
 * far behind. Driven by an in-memory source of rows with revs.
 */
import { describe, expect, it } from 'vitest';
import { syncPage, type SyncSource } from '@server/services/sync-page';

/** Rows 1..n by rev, rows with an even rev open. */
function source(n: number): SyncSource<{ rev: number }> {
  const rows = Array.from({ length: n }, (_, i) => ({ rev: i + 1 }));
  return {
    maxRev: () => Promise.resolve(n),
    changedSince: (since, limit) => Promise.resolve(rows.filter((r) => r.rev > since).slice(0, limit)),
    open: () => Promise.resolve(rows.filter((r) => r.rev % 2 === 0).reverse()),
  };
}

describe('syncPage', () => {
  it('pages a delta: every rev once, in order, `more` until the last page, which ends at the newest rev', async () => {
    const seen: number[] = [];
    let since = 3;
    for (let n = 0; n < 10; n++) {
      const p = await syncPage(source(20), since, 5, 1_000);
      expect(p.mode).toBe('delta');
      seen.push(...p.rows.map((r) => r.rev));
      since = p.rev;
      if (!p.more) break;
      expect(p.rev).toBe(p.rows[p.rows.length - 1]!.rev);
    }
    expect(seen).toEqual(Array.from({ length: 17 }, (_, i) => i + 4));
    expect(since).toBe(20);
  });

  it('answers a screen in step with an empty delta at the newest rev', async () => {
    expect(await syncPage(source(20), 20, 5, 1_000)).toEqual({ mode: 'delta', rev: 20, rows: [] });
  });

  it.each([
    ['on first load', null],
    ['past this database’s revs', 21],
    ['too far behind', 2],
  ])('answers a snapshot of the open rows %s', async (_what, since) => {
    const p = await syncPage(source(20), since, 5, 10);
    expect(p.mode).toBe('snapshot');
    expect(p.rev).toBe(20);
    expect(p.rows.map((r) => r.rev)).toEqual([20, 18, 16, 14, 12, 10, 8, 6, 4, 2]);
  });
});
