/**
 * The incident services (issue 6), each with one job, wired together in one place: reading,
 * commands (create, from alarms, act, attach), dispatch and the field units, citizens' reports,
 * the SLA policy and its breach sweep, disputes, merging; beside them the unit index, the writer
 * they share (incident-store.ts), photos, and the events they announce after commit. Dependencies
 * go one way, each passed in its constructor:
 *
 *   sla policy, unit index → views, access → reader → merging, dispatch → store → commands,
 *   disputes, citizens, sweep
 */
import type { Logger } from 'pino';
import type { Clock } from '@server/core/clock';
import type { Db } from '@server/db/connect';
import type { AlarmService } from '../alarm.service';
import type { AuditService } from '../audit.service';
import type { Locator, Transact } from './ports';
import { AlarmRepository } from '@server/repositories/alarm.repository';
import { EventRepository } from '@server/repositories/event.repository';
import { IncidentRepository } from '@server/repositories/incident.repository';
import { IncidentSourceRepository } from '@server/repositories/incident-source.repository';
import { IncidentTimelineRepository } from '@server/repositories/incident-timeline.repository';
import { MetaRepository } from '@server/repositories/meta.repository';
import { PhotoRepository } from '@server/repositories/photo.repository';
import { UnitRepository } from '@server/repositories/unit.repository';
import { WorldRepository } from '@server/repositories/world.repository';
import { PhotoService } from '../photo.service';
import { UnitIndex } from '../unit-index';
import { CitizenService } from './citizen.service';
import { DispatchService } from './dispatch.service';
import { DisputeScoring } from './dispute-scoring';
import { DisputeService } from './dispute.service';
import { IncidentAccess } from './incident-access';
import { IncidentCommandService } from './incident-command.service';
import { IncidentEvents } from './incident-events';
import { IncidentReadService } from './incident-read.service';
import { IncidentStore } from './incident-store';
import { IncidentViews } from './incident-view';
import { MergeService } from './merge.service';
import { SlaPolicyService } from './sla-policy.service';
import { SlaSweepService } from './sla-sweep.service';

export type { Locator } from './ports';

export interface IncidentServices {
  /** What they announce after commit: the gateway and the demo's unit motion subscribe. */
  events: IncidentEvents;
  units: UnitIndex;
  slaPolicy: SlaPolicyService;
  read: IncidentReadService;
  commands: IncidentCommandService;
  dispatch: DispatchService;
  citizens: CitizenService;
  disputes: DisputeService;
  merging: MergeService;
  sla: SlaSweepService;
  /** The writer they share (the ingest commit publishes its automatic incidents through it). */
  store: IncidentStore;
  photos: PhotoService;
}

export interface IncidentDeps {
  db: Db;
  alarms: AlarmService;
  audit: AuditService;
  locator: Locator;
  transact: Transact;
  clock: Clock;
  log: Logger;
}

export function createIncidentServices(d: IncidentDeps): IncidentServices {
  const incidents = new IncidentRepository(d.db);
  const timeline = new IncidentTimelineRepository(d.db);
  const sources = new IncidentSourceRepository(d.db);
  const unitRows = new UnitRepository(d.db);
  const alarmsRepo = new AlarmRepository(d.db);
  const events = new IncidentEvents();
  const units = new UnitIndex(
    () => unitRows.all(),
    (since) => unitRows.changedSince(since),
    () => d.clock.now(),
  );
  const photos = new PhotoService(new PhotoRepository(d.db), d.clock);
  const slaPolicy = new SlaPolicyService(new MetaRepository(d.db), d.audit);
  const views = new IncidentViews(slaPolicy, d.clock);
  const access = new IncidentAccess(units);
  const scoring = new DisputeScoring(incidents);
  const read = new IncidentReadService(incidents, timeline, sources, photos, units, access, views);
  const merging = new MergeService(incidents, timeline, sources, alarmsRepo, read);
  const dispatch = new DispatchService(incidents, unitRows, new WorldRepository(d.db), units, access, read, views, d.locator, events);
  const store = new IncidentStore(incidents, timeline, sources, unitRows, units, slaPolicy, views, scoring, d.alarms, events, d.transact, d.clock);
  return {
    events,
    units,
    slaPolicy,
    read,
    commands: new IncidentCommandService(incidents, alarmsRepo, d.alarms, d.audit, photos, d.locator, units, slaPolicy, access, read, store, dispatch, merging, scoring, d.transact, d.clock),
    dispatch,
    citizens: new CitizenService(incidents, timeline, photos, d.locator, slaPolicy, store, d.audit, d.transact, d.clock),
    disputes: new DisputeService(store, read, scoring, d.audit, d.clock),
    merging,
    sla: new SlaSweepService(incidents, new EventRepository(d.db), alarmsRepo, d.alarms, slaPolicy, store, scoring, d.clock, d.log),
    store,
    photos,
  };
}
