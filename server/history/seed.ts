/**
 * The history into a fresh demo database (issue 16), at the hub's first start: the batches the
 * worker generated and prepared (thread.ts, prepare.ts), inserted in one transaction with the
 * rollup triggers off (`stats.bulk`), the secondary indexes and foreign keys dropped, then those put
 * back and
 * every rollup recomputed once (`stats_rebuild()`). The generator names the staff by their demo
 * accounts' usernames and units by their ids; the worker maps them to the accounts' ids.
 */
import type { Logger } from 'pino';
import type { Db } from '@server/db/connect';
import { BulkLoadRepository } from '@server/repositories/bulk-load.repository';
import { HistoryRepository } from '@server/repositories/history.repository';
import type { HistoryStream } from './thread';

/** An account the history's actors map to: by username, and a field account by its unit. */
export interface Account {
  id: string;
  username: string;
  unitId: string | null;
}

/** The tables the history fills, whose secondary indexes and foreign keys are put back after the load. */
const HISTORY_TABLES = ['incidents', 'incident_timeline', 'incident_sources', 'alarms', 'events'];

export async function insertHistory(
  db: Db,
  stream: HistoryStream,
  accounts: readonly Account[],
  log: Logger,
  step: (what: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const t0 = performance.now();
  step('generating a year of history');
  const totals = await stream.ready;
  const actors: [string, string][] = [];
  for (const a of accounts) {
    actors.push([a.username, a.id]);
    if (a.unitId) actors.push([a.unitId, a.id]);
  }
  const done = { incidents: 0, alarms: 0, events: 0 };
  /** Where the time went (ms): each part's inserts, waiting for the generator, the indexes, the rebuild. */
  const ms = { incidents: 0, timeline: 0, sources: 0, alarms: 0, events: 0, waiting: 0, indexes: 0, rebuild: 0 };
  let mark = performance.now();
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const repo = new HistoryRepository(tx);
    await repo.bulkMode(tx);
    const bulk = new BulkLoadRepository();
    const suspended = await bulk.suspend(HISTORY_TABLES, tx);
    await stream.drain(
      actors,
      async (s) => {
        ms.waiting += performance.now() - mark;
        for (const batch of s.batches) {
          const start = performance.now();
          await repo.insert(batch, tx);
          ms[batch.part] += performance.now() - start;
        }
        mark = performance.now();
        done[s.part] += s.rows;
        step(`inserting the history: ${s.part} ${done[s.part]} of ${totals[s.part]}`);
      },
      signal,
    );
    await repo.takeIncidentNumbers(totals.incidents, tx);
    step('computing the figures of the history');
    let start = performance.now();
    await bulk.restore(suspended, tx);
    ms.indexes = performance.now() - start;
    start = performance.now();
    await repo.rebuildStats(tx);
    ms.rebuild = performance.now() - start;
  });
  log.info(
    {
      ...done,
      generatedMs: totals.generatedMs,
      totalMs: Math.round(performance.now() - t0),
      ms: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)])),
    },
    'demo history seeded',
  );
}
