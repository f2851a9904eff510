/**
 * What raising an alarm looks around at: the zones the rules test events against, and indexes of
 * the cameras, loudspeakers, available responders and grid workers near an event, built once from
 * the world (AlarmService keeps them); and the alarm row an (event, rule) draft becomes, with the
 * nearest devices and units it brings up.
 */
import { randomUUID } from 'node:crypto';
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import type { Logger } from 'pino';
import type { NewAlarm } from '../repositories/alarm.repository';
import type { WorldRepository } from '../repositories/world.repository';
import type { StoredEvent } from './stored-event';
import { createZoneIndex } from '../rules/zone-index';
import type { AlarmDraft, RuleWorld } from '../rules/rules';
import type { LonLat, UnitKind } from '@shared/world';

/** How many of the nearest cameras an alarm brings up. */
const CAMERAS_PER_ALARM = 3;
const CAMERA_RADIUS_KM = 2;
/** How many of the nearest available responders an alarm proposes ('units'), and how far to look. */
const UNITS_PER_ALARM = 3;
const UNIT_RADIUS_KM = 10;
/** Grid, community, street: where grid workers are looked for, nearest region first (region code lengths). */
const GRID_WORKER_REACH = [15, 12, 9] as const;
/** Units that answer an alarm on the spot (a department crew is sent by dispatch, not proposed). */
const RESPONDER_KINDS: ReadonlySet<UnitKind> = new Set(['police', 'patrol_car', 'fire', 'medical']);

export interface Surroundings {
  world: RuleWorld;
  cameras: { tree: KDBush; ids: string[] };
  speakers: { id: string; position: LonLat; railwayId: string }[];
  /** Available responders (RESPONDER_KINDS), for 'units'. */
  responders: { tree: KDBush; ids: string[] };
  /** Region code (a grid, its community, its street) → the grid workers' unit ids there, for 'grid_worker'. */
  gridWorkers: Map<string, string[]>;
}

/** The alarm row of one draft for one event, with the cameras, units and loudspeaker its actions ask for. */
export function alarmRow(e: StoredEvent, d: AlarmDraft, s: Surroundings, now: Date): NewAlarm {
  const position: LonLat = [e.lon, e.lat];
  const speaker = d.actions.includes('broadcast')
    ? nearestSpeaker(s.speakers, position, d.zone?.railwayId ?? null)
    : null;
  return {
    id: randomUUID(),
    createdAt: now,
    updatedAt: now,
    eventSource: e.source,
    eventId: e.id,
    eventType: e.type,
    eventAt: new Date(e.at),
    ruleId: d.ruleId,
    ruleName: d.ruleName,
    priority: d.priority,
    status: 'new',
    gridCode: e.gridCode,
    lon: e.lon,
    lat: e.lat,
    zoneId: d.zone?.id ?? null,
    zoneName: d.zone?.name ?? null,
    actions: [...d.actions],
    cameraIds: d.actions.includes('cameras') ? nearest(s.cameras, position, CAMERAS_PER_ALARM, CAMERA_RADIUS_KM) : [],
    unitIds: [
      ...(d.unitIds ?? []),
      ...(d.actions.includes('grid_worker') ? gridWorkersFor(s.gridWorkers, e.gridCode) : []),
      ...(d.actions.includes('units') ? nearest(s.responders, position, UNITS_PER_ALARM, UNIT_RADIUS_KM) : []),
    ],
    speakerId: speaker?.id ?? null,
    say: speaker ? (d.say ?? null) : null,
    foldKey: d.foldMs ? foldKeyOf(e, d) : null,
    count: d.count ?? 1,
    lastAt: new Date(e.at),
    expiresAt: d.expireMs ? new Date(now.getTime() + d.expireMs) : null,
    raise: d.raise ?? null,
    media: e.media?.length ? e.media.map((m) => ({ kind: m.kind, url: m.url })) : null,
  };
}

/**
 * What repeats of a rule fold by (issue 15): its zone for zone rules, else the device the event
 * came from; null (no folding) for events of neither (a citizen's report, a hub's own event).
 */
export function foldKeyOf(e: Pick<StoredEvent, 'source' | 'deviceId'>, d: Pick<AlarmDraft, 'zone'>): string | null {
  if (d.zone) return `zone:${d.zone.id}`;
  if (e.deviceId) return `device:${e.source}/${e.deviceId}`;
  return null;
}

/** The `count` nearest cameras of a point (within 2 km). */
export function nearestCameras(s: Surroundings, p: LonLat, count: number): string[] {
  return nearest(s.cameras, p, count, CAMERA_RADIUS_KM);
}

export async function buildSurroundings(world: WorldRepository, log: Logger): Promise<Surroundings> {
  const t0 = performance.now();
  // Cameras first, in the tick the warm-up starts both indexes: one shared read with the locator's.
  const cameraRead = world.cameras();
  cameraRead.catch(() => undefined);
  const zones = (await world.zones()).map((z) => ({
    id: z.id,
    name: z.name,
    kind: z.kind,
    shape: z.shape,
    gridCode: z.gridCode,
    railwayId: z.railwayId,
  }));
  const facilityKinds = new Map((await world.facilities()).map((f) => [f.id, f.kind]));
  const cams = await cameraRead;
  const cameraKinds = new Map(cams.map((c) => [c.id, c.kind]));
  const units = await world.units();
  const responders = units.filter((u) => u.status === 'available' && RESPONDER_KINDS.has(u.kind));
  const gridWorkers = new Map<string, string[]>();
  for (const u of units) {
    if (u.kind !== 'grid_worker' || u.status === 'offline') continue;
    for (const code of GRID_WORKER_REACH.map((len) => u.homeRegionCode.slice(0, len))) {
      const list = gridWorkers.get(code);
      if (list) list.push(u.id);
      else gridWorkers.set(code, [u.id]);
    }
  }
  const speakers = (await world.speakers()).map((s) => ({
    id: s.id,
    position: [s.lon, s.lat] as LonLat,
    railwayId: s.railwayId,
  }));
  log.info(
    {
      zones: zones.length,
      cameras: cams.length,
      speakers: speakers.length,
      responders: responders.length,
      ms: Math.round(performance.now() - t0),
    },
    'alarms: zone index and nearest-device indexes built',
  );
  return {
    world: {
      zones: createZoneIndex(zones),
      facilityKind: (id) => facilityKinds.get(id),
      cameraKind: (id) => cameraKinds.get(id),
    },
    cameras: pointIndex(cams.map((c) => ({ id: c.id, lon: c.lon, lat: c.lat }))),
    speakers,
    responders: pointIndex(responders.map((u) => ({ id: u.id, lon: u.lon, lat: u.lat }))),
    gridWorkers,
  };
}

/**
 * The grid workers for an alarm: those of its grid; a grid without one is covered by the workers
 * of its community, else of its street (most grids of the demo city have no worker of their own).
 */
function gridWorkersFor(byRegion: Map<string, string[]>, gridCode: string): string[] {
  for (const len of GRID_WORKER_REACH) {
    const ids = byRegion.get(gridCode.slice(0, len));
    if (ids) return ids.slice(0, UNITS_PER_ALARM);
  }
  return [];
}

function pointIndex(points: readonly { id: string; lon: number; lat: number }[]): { tree: KDBush; ids: string[] } {
  const tree = new KDBush(Math.max(1, points.length));
  for (const p of points) tree.add(p.lon, p.lat);
  if (points.length === 0) tree.add(0, 0);
  tree.finish();
  return { tree, ids: points.map((p) => p.id) };
}

/** Ids of the `count` nearest points within `km` (great-circle distance). */
function nearest(index: { tree: KDBush; ids: string[] }, p: LonLat, count: number, km: number): string[] {
  if (index.ids.length === 0) return [];
  return around(index.tree, p[0], p[1], count, km).map((i) => index.ids[i]!);
}

/** The nearest loudspeaker of the fence's railway (any railway's when it has none). */
function nearestSpeaker(
  speakers: Surroundings['speakers'],
  p: LonLat,
  railwayId: string | null,
): { id: string } | null {
  const candidates = railwayId ? speakers.filter((s) => s.railwayId === railwayId) : speakers;
  let best: { id: string } | null = null;
  let bestD = Infinity;
  for (const s of candidates.length ? candidates : speakers) {
    const dx = (s.position[0] - p[0]) * Math.cos((p[1] * Math.PI) / 180);
    const dy = s.position[1] - p[1];
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = { id: s.id };
    }
  }
  return best;
}
