/**
 * Every repository of the hub over one database connection, made once by the composition root
 * (server/components.ts) and handed to the services that need them. SQL only, no state: a test
 * gives a service in-memory stand-ins instead (tests/unit/services-*.test.ts).
 */
import type { Db } from '../db/connect';
import { AlarmRepository } from './alarm.repository';
import { AuditRepository } from './audit.repository';
import { CoverageRepository } from './coverage.repository';
import { WallRepository } from './wall.repository';
import { MajorEventRepository } from './major-event.repository';
import { DeadLetterRepository } from './dead-letter.repository';
import { EventRepository } from './event.repository';
import { HistoryRepository } from './history.repository';
import { IdentityRepository } from './identity.repository';
import { IncidentRepository } from './incident.repository';
import { IncidentSourceRepository } from './incident-source.repository';
import { IncidentTimelineRepository } from './incident-timeline.repository';
import { MetaRepository } from './meta.repository';
import { OutboxRepository } from './outbox.repository';
import { PhotoRepository } from './photo.repository';
import { ResidentRepository } from './resident.repository';
import { UnitRepository } from './unit.repository';
import { UnitPositionRepository } from './unit-position.repository';
import { WorldRepository } from './world.repository';
import { ZoneRepository } from './zone.repository';
import { StatsRepository } from './stats.repository';
import { CameraRepository } from './camera.repository';
import { DeviceEndpointRepository } from './device-endpoint.repository';

export interface Repositories {
  meta: MetaRepository;
  world: WorldRepository;
  audit: AuditRepository;
  identity: IdentityRepository;
  history: HistoryRepository;
  events: EventRepository;
  alarms: AlarmRepository;
  residents: ResidentRepository;
  outbox: OutboxRepository;
  deadLetters: DeadLetterRepository;
  incidents: IncidentRepository;
  timeline: IncidentTimelineRepository;
  sources: IncidentSourceRepository;
  units: UnitRepository;
  unitPositions: UnitPositionRepository;
  photos: PhotoRepository;
  zones: ZoneRepository;
  stats: StatsRepository;
  coverage: CoverageRepository;
  wall: WallRepository;
  majorEvents: MajorEventRepository;
  cameras: CameraRepository;
  devices: DeviceEndpointRepository;
}

export function createRepositories(db: Db): Repositories {
  return {
    meta: new MetaRepository(db),
    world: new WorldRepository(db),
    audit: new AuditRepository(db),
    identity: new IdentityRepository(db),
    history: new HistoryRepository(db),
    events: new EventRepository(db),
    alarms: new AlarmRepository(db),
    residents: new ResidentRepository(db),
    outbox: new OutboxRepository(db),
    deadLetters: new DeadLetterRepository(db),
    incidents: new IncidentRepository(db),
    timeline: new IncidentTimelineRepository(db),
    sources: new IncidentSourceRepository(db),
    units: new UnitRepository(db),
    unitPositions: new UnitPositionRepository(db),
    photos: new PhotoRepository(db),
    zones: new ZoneRepository(db),
    stats: new StatsRepository(db),
    coverage: new CoverageRepository(db),
    wall: new WallRepository(db),
    majorEvents: new MajorEventRepository(db),
    cameras: new CameraRepository(db),
    devices: new DeviceEndpointRepository(db),
  };
}
