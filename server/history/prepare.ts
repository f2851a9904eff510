/**
 * A slice of the history as the batches the hub inserts (HistoryRepository.insert): made on the
 * generator's thread (generate-worker.js), one slice ahead of the database, so the hub's threads
 * only pass strings on. The generator names the staff by their demo accounts' usernames and units
 * by their ids; `actor` turns them into the accounts' ids, as the hub's own rows name them.
 */
import {
  alarmRecord,
  eventRecord,
  incidentRecord,
  sourceRecord,
  timelineRecord,
} from '@server/repositories/bulk-records';
import type { HistoryBatch } from '@server/repositories/history.repository';
import { sourceRow, timelineRow } from '@server/services/incidents/stored-text';
import type { ActorMap, HistorySlice } from './thread';

export function prepareSlice(s: HistorySlice, actors: ActorMap): HistoryBatch[] {
  const idOf = new Map(actors);
  const actor = (id: string) => idOf.get(id) ?? id;
  if (s.part === 'alarms')
    return [{ part: 'alarms', json: JSON.stringify(s.items.map((r, n) => ({ n, ...alarmRecord(r) }))) }];
  if (s.part === 'events') return [{ part: 'events', json: JSON.stringify(s.items.map(eventRecord)) }];
  const timeline = s.items.flatMap((x) =>
    x.timeline.map((e) => timelineRow({ ...e, actorId: actor(e.actorId) }, x.incident.id)),
  );
  const sources = s.items.flatMap((x) =>
    x.sources.map((e) =>
      sourceRow(
        { ...e, ref: e.ref.replace(/^(field|dispatcher):(.*)$/, (_, k: string, id: string) => `${k}:${actor(id)}`) },
        x.incident.id,
      ),
    ),
  );
  return [
    { part: 'incidents', json: JSON.stringify(s.items.map((x, n) => incidentRecord(x.incident, n))) },
    { part: 'timeline', json: JSON.stringify(timeline.map(timelineRecord)) },
    { part: 'sources', json: JSON.stringify(sources.map(sourceRecord)) },
  ];
}
