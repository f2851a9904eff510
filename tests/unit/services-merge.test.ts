/**
 * Merging (server/services/incidents/merge.service.ts) on in-memory incidents, sources, timeline
 * and alarms, no database: the candidates near an incident are the open incidents and alarms
 * within 300 m and an hour, of a compatible category, in the caller's scope, nearest first; a
 * merge refuses the incident itself, an unknown one and a closed one, and otherwise writes the
 * incident merged into (its sources, the merged one as a source, the more urgent priority, a
 * timeline entry).
 */
import { describe, expect, it } from 'vitest';
import { HttpError } from '@server/core/http-errors';
import type { Db } from '@server/db/connect';
import type { AlarmRepository, AlarmRow } from '@server/repositories/alarm.repository';
import type { IncidentRepository, IncidentRow } from '@server/repositories/incident.repository';
import type { IncidentSourceRepository, SourceRow } from '@server/repositories/incident-source.repository';
import type { IncidentTimelineRepository, NewTimeline } from '@server/repositories/incident-timeline.repository';
import type { IncidentReadService } from '@server/services/incidents/incident-read.service';
import { MergeService } from '@server/services/incidents/merge.service';
import type { TransitionRecord } from '@shared/incident-machine';
import { ctx } from './support/fakes';

const T = new Date('2026-11-22T04:00:00Z');
const HERE = { lon: 115.9, lat: 28.68 };
/** A point `m` metres east of HERE. */
const east = (m: number) => HERE.lon + m / (111_320 * Math.cos((HERE.lat * Math.PI) / 180));
const tx = {} as Db;

function incident(id: string, over: Partial<IncidentRow> = {}): IncidentRow {
  return {
    id,
    code: `20261122-${id}`,
    rev: 1,
    version: 1,
    kind: 'general',
    category: 'public_order',
    priority: 3,
    title: `Incident ${id}`,
    description: '',
    status: 'accepted',
    source: 'dispatcher',
    externalId: null,
    trackingCode: null,
    reporter: null,
    gridCode: '360102001001001',
    lon: HERE.lon,
    lat: HERE.lat,
    address: '',
    department: '公安',
    assignments: [],
    escalations: 0,
    maxEscalations: 4,
    createdAt: T,
    updatedAt: T,
    firstDispatchedAt: null,
    dispatchedAt: null,
    unitAcceptedAt: null,
    arrivedAt: null,
    resolvedAt: null,
    closedAt: null,
    acceptedAt: null,
    verifiedAt: null,
    rejections: 0,
    resolveDueAt: null,
    dueAt: null,
    breaches: [],
    flagged: false,
    mergedInto: null,
    mergedFrom: [],
    rating: null,
    ratingComment: null,
    photoIds: [],
    dispute: null,
    ...over,
  };
}

function alarmRow(id: string, over: Partial<AlarmRow>): AlarmRow {
  return {
    id,
    rev: 5,
    createdAt: T,
    updatedAt: T,
    eventSource: 'radar',
    eventId: `e-${id}`,
    eventType: 'fence_intrusion',
    eventAt: T,
    ruleId: 'fence',
    ruleName: 'Railway fence',
    priority: 1,
    status: 'new',
    gridCode: '360102001001001',
    lon: HERE.lon,
    lat: HERE.lat,
    zoneId: null,
    zoneName: null,
    actions: [],
    cameraIds: [],
    unitIds: [],
    speakerId: null,
    say: null,
    handledBy: null,
    handledAt: null,
    incidentId: null,
    foldKey: null,
    count: 1,
    lastAt: T,
    expiresAt: null,
    raise: null,
    media: null,
    ...over,
  };
}

/** The tables as arrays; `update` writes a new version, as the SQL does under its row lock. */
function memory(rows: IncidentRow[], alarms: AlarmRow[] = [], sources: SourceRow[] = []) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const timeline: NewTimeline[] = [];
  const asked: { prefix: string }[] = [];
  const incidents: Pick<IncidentRepository, 'nearbyOpen' | 'byId' | 'update'> = {
    nearbyOpen: (_lon, _lat, _dLon, _dLat, _from, _to, prefix = '') => (
      asked.push({ prefix }),
      Promise.resolve(rows.filter((r) => r.gridCode.startsWith(prefix)))
    ),
    byId: (id) => Promise.resolve(byId.get(id)),
    update: (id, version, set) => {
      const row = byId.get(id);
      if (!row || row.version !== version) return Promise.resolve(undefined);
      const next = { ...row, ...set, version: version + 1 };
      byId.set(id, next);
      return Promise.resolve(next);
    },
  };
  const sourceTable: Pick<IncidentSourceRepository, 'of' | 'add'> = {
    of: (id) => Promise.resolve(sources.filter((s) => s.incidentId === id)),
    add: (more) => (sources.push(...more), Promise.resolve()),
  };
  const timelineTable: Pick<IncidentTimelineRepository, 'add'> = {
    add: (more) => (timeline.push(...more), Promise.resolve()),
  };
  const alarmTable: Pick<AlarmRepository, 'nearbyOpen'> = { nearbyOpen: () => Promise.resolve(alarms) };
  const reader: Pick<IncidentReadService, 'readable'> = { readable: (_ctx, id) => Promise.resolve(byId.get(id)!) };
  return {
    service: new MergeService(incidents, timelineTable, sourceTable, alarmTable, reader),
    byId,
    sources,
    timeline,
    asked,
  };
}

describe('MergeService.candidates', () => {
  it('proposes compatible open incidents and alarms within 300 m in scope, nearest first', async () => {
    const { service, asked } = memory(
      [
        incident('x'),
        incident('near', { lon: east(100) }),
        incident('safety', { lon: east(200), category: 'fire_hazard' }),
        incident('dispute', { lon: east(50), category: 'dispute_neighbour', kind: 'dispute' }),
        incident('far', { lon: east(400) }),
        incident('later', { lon: east(150), createdAt: new Date(T.getTime() + 20 * 60_000) }),
      ],
      [
        alarmRow('fence', { lon: east(250) }),
        alarmRow('absence', { lon: east(30), eventType: 'resident_absence' }),
        alarmRow('other-district', { lon: east(10), gridCode: '360103001001001' }),
      ],
    );
    const got = await service.candidates(ctx('dispatcher', '360102'), 'x');
    expect(asked).toEqual([{ prefix: '360102' }]);
    expect(got.map((c) => [c.kind, c.id, c.distanceM, c.minutesApart])).toEqual([
      ['incident', 'near', 100, 0],
      ['incident', 'later', 150, 20],
      ['incident', 'safety', 200, 0],
      ['alarm', 'fence', 250, 0],
    ]);
  });
});

describe('MergeService.mergeInto', () => {
  const record: TransitionRecord = {
    action: 'merge',
    from: 'accepted',
    to: 'merged',
    actor: 'centre',
    actorId: 'u-1',
    at: '2026-11-22T04:10:00.000Z',
    note: 'same fight',
  };
  const status = (p: Promise<unknown>) =>
    p.then(
      () => 200,
      (e: unknown) => (e instanceof HttpError ? e.status : 500),
    );

  it('refuses the incident itself, an unknown one and a closed one', async () => {
    const { service, timeline } = memory([incident('x'), incident('done', { status: 'closed' })]);
    const x = incident('x');
    expect(await status(service.mergeInto(x, 'x', record, 'wang', tx))).toBe(409);
    expect(await status(service.mergeInto(x, '00000000-0000-4000-8000-00000000000f', record, 'wang', tx))).toBe(409);
    expect(await status(service.mergeInto(x, 'done', record, 'wang', tx))).toBe(409);
    expect(timeline).toEqual([]);
  });

  it('writes the incident merged into: sources moved, the merged one a source, the more urgent priority, a timeline entry', async () => {
    const into = incident('00000000-0000-4000-8000-0000000000aa', { priority: 3 });
    const merged = incident('x', { priority: 1, title: 'Fight' });
    const { service, sources, timeline } = memory(
      [into, merged],
      [],
      [{ incidentId: 'x', kind: 'alarm', ref: 'a-1', at: T, summary: 'fence alarm' }],
    );
    const written = await service.mergeInto(merged, into.id, record, 'wang', tx);
    expect(written).toMatchObject({ id: into.id, version: 2, priority: 1, mergedFrom: ['x'] });
    expect(sources.filter((s) => s.incidentId === into.id).map((s) => [s.kind, s.ref])).toEqual([
      ['alarm', 'a-1'],
      ['incident', 'x'],
    ]);
    expect(timeline).toEqual([
      expect.objectContaining({
        incidentId: into.id,
        action: 'merged_in',
        actorName: 'wang',
        note: 'same fight',
        details: { from: 'x', code: '20261122-x' },
      }),
    ]);
  });
});
