/**
 * compose(database, deps): the hub's parts wired once, in dependency order, each with everything
 * it needs in its constructor: the domain events first, then the repositories, the services, the
 * MQTT subscriber and the outbox relay, the realtime gateway (which subscribes to the events) and
 * the HTTP API. Pure wiring: nothing here opens a connection, reads the database or starts a timer
 * (server/startup.ts does, once the database is set up).
 *
 *   events, repositories → audit → auth → admin · world → layers, basemap, qr · alarms → absence,
 *   locator → incidents → ingest → dead letters → mqtt → outbox relay → gateway → api
 */
import type { Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import { authSettings, type Config } from './core/config';
import type { Clock } from './core/clock';
import type { HubMetrics } from './core/metrics';
import type { ReadinessState } from './core/readiness';
import type { Database, Db } from './db/connect';
import { createRepositories, type Repositories } from './repositories';
import { DomainEvents } from './services/domain-events';
import { AuditService } from './services/audit.service';
import { AuthService } from './services/auth.service';
import { AdminService } from './services/admin.service';
import { FieldUnits } from './services/field-units';
import { DemoAccountsService } from './services/demo-accounts.service';
import { WorldService } from './services/world.service';
import { BuildThread } from './services/build-thread';
import { LayerService } from './services/layer.service';
import { BasemapService } from './services/basemap.service';
import { QrService } from './services/qr.service';
import { ZoneDirectoryService } from './services/zone-directory.service';
import { StatsService } from './services/stats/stats.service';
import { AlarmService } from './services/alarm.service';
import { AbsenceService } from './services/absence.service';
import { CoverageService } from './services/coverage.service';
import { WallService } from './services/wall.service';
import { MajorEventService } from './services/major-event.service';
import { MajorEventReportService } from './services/major-event-report.service';
import { MajorEventReportRepository } from './repositories/major-event-report.repository';
import { LocatorService } from './services/locator.service';
import { createIncidentServices } from './services/incidents';
import { IngestService } from './services/ingest.service';
import { DeadLetterService } from './services/dead-letter.service';
import { DeviceRegistryService } from './services/devices/device-registry.service';
import { DeviceIngestService } from './services/devices/device-ingest.service';
import { CameraStatusService } from './services/devices/camera-status.service';
import { DahuaAttachments, type DahuaAttachmentState } from './devices/dahua-client';
import { SipEndpoint } from './devices/sip-server';
import type { DeviceEndpointView } from '@shared/devices';
import { CapService } from './services/cap.service';
import { Open311Service } from './services/open311.service';
import { OutboxRelay } from './services/outbox.service';
import { defaultMqttClientId, MqttIngest } from './realtime/mqtt-ingest';
import { RealtimeGateway, type HubIo } from './realtime/gateway';
import { createApi, type Api, type ApiServices } from './routes';

export interface ComposeDeps {
  config: Config;
  log: Logger;
  metrics: HubMetrics;
  clock: Clock;
  readiness: ReadinessState;
  io: HubIo;
  /** An adapter carries emits to other hubs (REDIS_URL): the gateway sends unit moves to every room. */
  crossHub: boolean;
  /** Where the HTTP server listens (the default MQTT client id is one per host and port). */
  address: AddressInfo | null;
}

export interface Components extends ApiServices {
  database: Database;
  repositories: Repositories;
  /** What the services announce after commit; the gateway, the outbox relay and the simulator subscribe. */
  events: DomainEvents;
  absence: AbsenceService;
  /** Cameras online and offline by GB/T 28181 keepalives. */
  cameraStatus: CameraStatusService;
  demoAccounts: DemoAccountsService;
  locator: LocatorService;
  builds: BuildThread;
  outbox: OutboxRelay;
  /** The GB/T 28181 SIP endpoint, with SIP_PORT. */
  sip: SipEndpoint | undefined;
  /** The Dahua attachments, with DAHUA_ATTACH on. */
  dahua: DahuaAttachments | undefined;
  /** The MQTT subscriber, with MQTT_URL. */
  mqtt: MqttIngest | undefined;
  gateway: RealtimeGateway;
  api: Api;
}

export function compose(database: Database, d: ComposeDeps): Components {
  const { config, log, clock, metrics } = d;
  const settings = authSettings(config);
  const events = new DomainEvents();
  const repositories = createRepositories(database.db);
  const r = repositories;
  const transact = <T>(fn: (tx: Db) => Promise<T>): Promise<T> =>
    database.db.transaction((tx) => fn(tx as unknown as Db));

  const audit = new AuditService(r.audit, clock, log);
  const auth = new AuthService(r.identity, audit, events, clock, settings, log);
  const admin = new AdminService(r.identity, auth, audit, clock, new FieldUnits(r.identity, r.units), transact);
  const demoAccounts = new DemoAccountsService(r.identity, audit, settings, log);
  const world = new WorldService(r.world, r.meta, log, clock);
  // Layers and basemap sources are read and encoded off the main thread (build-thread.ts).
  const builds = new BuildThread(() => database.threadConnection(), log);
  const layers = new LayerService(r.world, log, builds);
  const basemap = new BasemapService(
    r.world,
    world,
    { styleUrl: config.mapStyleUrl, crs: config.mapCrs ?? 'wgs84' },
    log,
    builds,
  );
  const qr = new QrService(world);
  // The rule editor's zone picker (city-wide, as rules are).
  const zones = new ZoneDirectoryService(r.zones);
  // The figures, summed from the rollups the database keeps current.
  const stats = new StatsService(r.stats, clock);
  // Device commands are recorded in the outbox in the raising transaction, delivered after commit by any hub.
  // Wall presets, and which one each wall shows (an open event's, else the default).
  const wall = new WallService(r.wall, audit, clock);
  // Major security events: alarms inside an open one's perimeter are raised a priority; its wall
  // preset and coverage times apply while it runs.
  const majorEvents = new MajorEventService(r.majorEvents, r.world, r.units, r.coverage, wall, audit, clock);
  // Their reports: the rows of the window inside the perimeter, figures, a PDF (reads only).
  const majorEventReports = new MajorEventReportService(
    majorEvents,
    new MajorEventReportRepository(database.db),
    r.units,
    r.world,
    clock,
  );
  const alarms = new AlarmService(r.alarms, r.world, audit, events, r.outbox, clock, log, majorEvents);
  const absence = new AbsenceService(r.residents, r.events, r.alarms, alarms, transact, clock, log);
  // Where things lie, for ingest and incidents alike (neither reaches the other for it).
  const locator = new LocatorService(r.world, alarms, log);
  const incidents = createIncidentServices({ repositories, alarms, audit, events, locator, transact, clock, log });
  const autoPriority = config.autoIncidentPriority ?? 1;
  const ingest = new IngestService(locator, r.events, alarms, transact, clock, log, {
    autoIncidents: autoPriority > 0 ? incidents.intake.autoIncidents(autoPriority) : null,
    metrics,
    photos: r.photos,
  });
  const deadLetters = new DeadLetterService(r.deadLetters, clock, log);
  // Coverage gaps: the units as dispatch holds them, measured by the dispatch ETA model.
  const coverage = new CoverageService(
    r.coverage,
    r.events,
    r.alarms,
    alarms,
    incidents.units,
    transact,
    clock,
    log,
    majorEvents,
  );

  // Devices in their vendors' protocols (issue 18): the registry admins keep, and the one sink every
  // adapter (ISAPI route, SIP endpoint, Dahua attachments) hands its notices to.
  const devices: DeviceRegistryService = new DeviceRegistryService(r.devices, r.identity, locator, audit, clock, {
    secretKey: config.deviceSecretKey,
    sipPort: config.sipPort ?? null,
    // This hub's Dahua connections (made below), as an admin's list shows them.
    attachment: (id: string) => attachmentView(dahua?.states().get(id)),
  });
  const cameraStatus = new CameraStatusService(r.cameras, events, clock, log);
  const deviceIngest: DeviceIngestService = new DeviceIngestService(
    devices,
    ingest,
    locator,
    incidents.photos,
    deadLetters,
    cameraStatus,
    r.devices,
    clock,
    log,
    metrics,
  );
  // The GB/T 28181 SIP endpoint (SIP_PORT), opened by startup.ts.
  const sip =
    config.sipPort !== undefined
      ? new SipEndpoint({
          sink: deviceIngest,
          charsetOf: (id) => devices.charsetOf(id),
          port: config.sipPort,
          host: config.host,
          onError: (err, context) => log.warn({ err, context }, 'SIP endpoint'),
        })
      : undefined;
  // The Dahua devices this hub attaches to (DAHUA_ATTACH), kept equal to the registry by startup.ts.
  const dahua: DahuaAttachments | undefined = config.dahuaAttach ? new DahuaAttachments(deviceIngest, log) : undefined;

  const mqtt = config.mqttUrl
    ? new MqttIngest({
        url: config.mqttUrl,
        ingest,
        principal: async () => {
          const ctx = await auth.cityDevice('mqtt', 'MQTT');
          if (!ctx) throw new Error('no city in the database');
          return ctx;
        },
        log,
        deadLetters,
        // The broker is back: what waited in the outbox goes now.
        onConnect: () => events.emit('outboxed'),
        clientId: config.mqttClientId ?? defaultMqttClientId(d.address?.port ?? config.port),
        shareGroup: config.mqttShareGroup,
        connections: config.mqttConnections,
      })
    : undefined;
  const outbox = new OutboxRelay(
    r.outbox,
    () => (mqtt?.connected ? (topic, payload) => mqtt.publishAcked(topic, payload) : null),
    events,
    clock,
    log,
  );

  const gateway = new RealtimeGateway({
    io: d.io,
    readiness: d.readiness,
    auth,
    events,
    feeds: { alarms: alarms.feedSource(), incidents: incidents.read.feedSource() },
    collections: [
      { event: 'alarm:sync', sync: (p, since) => alarms.sync(p, since) },
      { event: 'incident:sync', sync: (p, since) => incidents.read.sync(p, since) },
    ],
    crossHub: d.crossHub,
    onAlarmsPushed: (n) => metrics.alarmsPushed(n),
    tickMs: config.realtimeTickMs,
    log,
  });

  const services: ApiServices = {
    world,
    layers,
    basemap,
    auth,
    admin,
    audit,
    ingest,
    alarms,
    incidents,
    deadLetters,
    qr,
    zones,
    stats,
    coverage,
    wall,
    majorEvents,
    majorEventReports,
    devices,
    deviceIngest,
    // Alarms and incidents as OASIS CAP 1.2 messages, for other agencies' systems.
    cap: new CapService(r.alarms, r.incidents, r.world, r.zones, clock),
    // Citizens' requests as Open311 GeoReport v2, for other agencies' systems.
    open311: new Open311Service(r.incidents, incidents.citizens, locator, audit, clock),
  };
  return {
    ...services,
    database,
    repositories,
    events,
    absence,
    cameraStatus,
    demoAccounts,
    locator,
    builds,
    outbox,
    dahua,
    sip,
    mqtt,
    gateway,
    api: createApi(services, settings, metrics),
  };
}

/** A Dahua attachment's state on the wire (shared/devices.ts). */
function attachmentView(s: DahuaAttachmentState | undefined): DeviceEndpointView['attachment'] {
  if (!s) return null;
  return {
    connected: s.connected,
    since: s.since?.toISOString() ?? null,
    lastError: s.lastError,
    reconnects: s.reconnects,
  };
}
