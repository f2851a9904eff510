/**
 * The incident services (issue 6), each with one job, wired together in one place: reading,
 * intake (create, from alarms), commands (act, attach), dispatch and the field units, citizens'
 * reports, the SLA policy and its breach sweep, disputes, merging; beside them the unit index, the writer
 * they share (incident-store.ts) and photos. They announce after commit on the hub's domain events
 * (../domain-events.ts). Dependencies go one way, each passed in its constructor:
 *
 *   sla policy, unit index → views, access → reader → merging, trails → dispatch → store → intake, commands,
 *   disputes, citizens, sweep
 */
import type { Logger } from 'pino';
import type { Clock } from '@server/core/clock';
import type { Repositories } from '@server/repositories';
import type { AlarmService } from '../alarm.service';
import type { AuditService } from '../audit.service';
import type { DomainEvents } from '../domain-events';
import type { Locator, Transact } from './ports';
import { PhotoService } from '../photo.service';
import { UnitIndex } from '../unit-index';
import { CitizenService } from './citizen.service';
import { DispatchService } from './dispatch.service';
import { DisputeScoring } from './dispute-scoring';
import { DisputeService } from './dispute.service';
import { IncidentAccess } from './incident-access';
import { IncidentCommandService } from './incident-command.service';
import { IncidentIntakeService } from './incident-intake.service';
import { IncidentReadService } from './incident-read.service';
import { IncidentStore } from './incident-store';
import { IncidentViews } from './incident-view';
import { MergeService } from './merge.service';
import { PersonalDataService } from './personal-data.service';
import { SlaPolicyService } from './sla-policy.service';
import { SlaSweepService } from './sla-sweep.service';
import { UnitTrailService } from './unit-trail.service';

export type { Locator } from './ports';

export interface IncidentServices {
  units: UnitIndex;
  slaPolicy: SlaPolicyService;
  read: IncidentReadService;
  /** New incidents: the form, hotline, field reports, alarms. */
  intake: IncidentIntakeService;
  /** Acting on incidents: the machine's steps, attaching alarms. */
  commands: IncidentCommandService;
  dispatch: DispatchService;
  /** Where the units were over the last 15 minutes (dispatch records, the scheduler prunes). */
  trails: UnitTrailService;
  citizens: CitizenService;
  disputes: DisputeService;
  merging: MergeService;
  sla: SlaSweepService;
  /** Masked ID numbers and phones revealed, audited. */
  personalData: PersonalDataService;
  /** The writer they share. */
  store: IncidentStore;
  photos: PhotoService;
}

export interface IncidentDeps {
  repositories: Pick<
    Repositories,
    'incidents' | 'timeline' | 'sources' | 'units' | 'unitPositions' | 'alarms' | 'photos' | 'meta' | 'world' | 'events'
  >;
  alarms: AlarmService;
  audit: AuditService;
  /** Where they announce after commit. */
  events: DomainEvents;
  /** Where a point lies (the locator service, made before these and the ingest service). */
  locator: Locator;
  transact: Transact;
  clock: Clock;
  log: Logger;
}

export function createIncidentServices(d: IncidentDeps): IncidentServices {
  const { incidents, timeline, sources, units: unitRows, alarms: alarmsRepo } = d.repositories;
  const events = d.events;
  const units = new UnitIndex(
    () => unitRows.all(),
    (since) => unitRows.changedSince(since),
    () => d.clock.now(),
  );
  const photos = new PhotoService(d.repositories.photos, d.clock);
  const slaPolicy = new SlaPolicyService(d.repositories.meta, d.audit);
  const views = new IncidentViews(slaPolicy, d.clock);
  const access = new IncidentAccess(units);
  const scoring = new DisputeScoring(incidents);
  const read = new IncidentReadService(incidents, timeline, sources, photos, units, access, views);
  const merging = new MergeService(incidents, timeline, sources, alarmsRepo, read);
  const trails = new UnitTrailService(d.repositories.unitPositions, units, d.clock);
  const dispatch = new DispatchService(
    incidents,
    unitRows,
    d.repositories.world,
    units,
    access,
    read,
    views,
    d.locator,
    events,
    trails,
    d.transact,
  );
  const store = new IncidentStore(
    incidents,
    timeline,
    sources,
    unitRows,
    units,
    slaPolicy,
    views,
    scoring,
    d.alarms,
    events,
    d.transact,
    d.clock,
  );
  return {
    units,
    slaPolicy,
    read,
    intake: new IncidentIntakeService(
      incidents,
      alarmsRepo,
      d.alarms,
      d.audit,
      photos,
      d.locator,
      slaPolicy,
      access,
      read,
      store,
      d.transact,
      d.clock,
    ),
    commands: new IncidentCommandService(
      incidents,
      alarmsRepo,
      d.audit,
      units,
      access,
      read,
      store,
      dispatch,
      merging,
      scoring,
      d.clock,
    ),
    dispatch,
    trails,
    citizens: new CitizenService(
      incidents,
      timeline,
      photos,
      d.locator,
      slaPolicy,
      store,
      d.audit,
      d.transact,
      d.clock,
    ),
    disputes: new DisputeService(store, read, scoring, d.audit, d.clock),
    merging,
    sla: new SlaSweepService(
      incidents,
      d.repositories.events,
      alarmsRepo,
      d.alarms,
      slaPolicy,
      store,
      scoring,
      d.clock,
      d.log,
    ),
    personalData: new PersonalDataService(read, access, d.audit),
    store,
    photos,
  };
}
