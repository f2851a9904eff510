/**
 * The history into a fresh demo database (issue 16), at the hub's first start: the slices the
 * worker generated (thread.ts), inserted in batches in one transaction with the rollup triggers
 * off (`stats.bulk`), then every rollup recomputed once (`stats_rebuild()`). The generator names
 * the staff by their demo accounts' usernames and units by their ids; here they become the
 * accounts' ids, as the hub's own rows name them.
 */
import type { Logger } from 'pino';
import type { Db } from '@server/db/connect';
import { EventRepository } from '@server/repositories/event.repository';
import { HistoryRepository } from '@server/repositories/history.repository';
import { sourceRow, timelineRow } from '@server/services/incidents/stored-text';
import type { HistoryStream } from './thread';

/** An account the history's actors map to: by username, and a field account by its unit. */
export interface Account {
  id: string;
  username: string;
  unitId: string | null;
}

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
  const idOf = new Map<string, string>();
  for (const a of accounts) {
    idOf.set(a.username, a.id);
    if (a.unitId) idOf.set(a.unitId, a.id);
  }
  const actor = (id: string) => idOf.get(id) ?? id;
  const done = { incidents: 0, alarms: 0, events: 0 };
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const repo = new HistoryRepository(tx);
    const events = new EventRepository(tx);
    await repo.bulkMode(tx);
    await stream.drain(async (s) => {
      if (s.part === 'incidents') {
        await repo.insertIncidents(
          s.items.map((x) => x.incident),
          tx,
        );
        await repo.insertTimeline(
          s.items.flatMap((x) =>
            x.timeline.map((e) => timelineRow({ ...e, actorId: actor(e.actorId) }, x.incident.id)),
          ),
          tx,
        );
        await repo.insertSources(
          s.items.flatMap((x) =>
            x.sources.map((e) =>
              sourceRow(
                {
                  ...e,
                  ref: e.ref.replace(/^(field|dispatcher):(.*)$/, (_, k: string, id: string) => `${k}:${actor(id)}`),
                },
                x.incident.id,
              ),
            ),
          ),
          tx,
        );
      } else if (s.part === 'alarms') await repo.insertAlarms(s.items, tx);
      else await events.insertNew(s.items, tx);
      done[s.part] += s.items.length;
      step(`inserting the history: ${s.part} ${done[s.part]} of ${totals[s.part]}`);
    }, signal);
    await repo.takeIncidentNumbers(totals.incidents, tx);
    step('computing the figures of the history');
    await repo.rebuildStats(tx);
  });
  log.info(
    { ...done, generatedMs: totals.generatedMs, totalMs: Math.round(performance.now() - t0) },
    'demo history seeded',
  );
}
