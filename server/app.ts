/**
 * createApp(config): the whole hub wired in one place (Express 5 + Socket.IO on one HTTP server,
 * the database, repositories, services, routes, the realtime gateway). Tests and the benchmark
 * call it with their own config; nothing here is a module-level singleton.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import compression from 'compression';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Server as IoServer } from 'socket.io';
import { setTimeout as sleep } from 'node:timers/promises';
import { authSettings, type Config } from './core/config';
import { createLogger, httpLogOptions } from './core/logging';
import { HubMetrics } from './core/metrics';
import { metricsRoutes } from './routes/metrics';
import { openDatabase, type Database } from './db/connect';
import { MetaRepository } from './repositories/meta.repository';
import { WorldRepository } from './repositories/world.repository';
import { WorldService } from './services/world.service';
import { LayerService } from './services/layer.service';
import { BasemapService } from './services/basemap.service';
import { BuildThread } from './services/build-thread';
import { ReadinessState } from './core/readiness';
import { healthRoutes } from './routes/health';
import { worldRoutes } from './routes/world';
import { mapRoutes } from './routes/map';
import { authRoutes } from './routes/auth';
import { adminRoutes } from './routes/admin';
import { eventRoutes } from './routes/events';
import { EventRepository } from './repositories/event.repository';
import { IngestService } from './services/ingest.service';
import { defaultMqttClientId, MqttIngest } from './realtime/mqtt-ingest';
import { attachRedisAdapter } from './realtime/redis-adapter';
import { refuseUpgradesUntil } from './realtime/upgrades';
import { securityHeaders } from './http/security';
import { clientApp } from './http/spa';
import { DeadLetterRepository } from './repositories/dead-letter.repository';
import { DeadLetterService } from './services/dead-letter.service';
import { AlarmRepository } from './repositories/alarm.repository';
import { AlarmService } from './services/alarm.service';
import { AbsenceService } from './services/absence.service';
import { ResidentRepository } from './repositories/resident.repository';
import { alarmRoutes } from './routes/alarms';
import { incidentRoutes } from './routes/incidents';
import { slaRoutes } from './routes/sla';
import { fieldRoutes } from './routes/field';
import { photoRoutes } from './routes/photos';
import { citizenRoutes } from './routes/citizen';
import { qrRoutes } from './routes/qr';
import { createIncidentServices, type IncidentServices } from './services/incidents';
import { QrService } from './services/qr.service';
import { OutboxRepository } from './repositories/outbox.repository';
import { OUTBOX_POLL_MS, OutboxRelay } from './services/outbox.service';
import { docsRoutes } from './routes/docs';
import { errorHandler, HttpError, notFoundApi, storableInput } from './core/http-errors';
import { ioOptions, RealtimeGateway, type HubIo } from './realtime/gateway';
import { API_PREFIX } from '@shared/api';
import { ErrorCode } from '@shared/errors';
import { IdentityRepository } from './repositories/identity.repository';
import { AuditRepository } from './repositories/audit.repository';
import { AuditService } from './services/audit.service';
import { AuthService } from './services/auth.service';
import { AdminService } from './services/admin.service';
import { ApiRoutes, authenticate, csrfGuard, rateLimits, type RouteSpec } from './http/auth';
import { decide } from './auth/policy';
import { systemClock, type Clock } from './core/clock';
import { Scheduler } from './core/scheduler';
import { lateBound } from './late-bound';
import { DatabaseSetupError, type Db } from './db/connect';

export interface Hub {
  readonly config: Config;
  readonly app: Express;
  readonly httpServer: HttpServer;
  readonly io: HubIo;
  readonly log: Logger;
  readonly readiness: ReadinessState;
  readonly gateway: RealtimeGateway;
  /** This hub's Prometheus metrics (GET /metrics). */
  readonly metrics: HubMetrics;
  /** Every API route with the access it needs (the route × role test matrix reads it). */
  readonly routes: readonly RouteSpec[];
  /** The MQTT subscriber, when MQTT_URL is set (once ready). */
  mqtt(): MqttIngest | undefined;
  /** Resolves once the database is open, migrated and the demo city is there; rejects on a setup error. */
  readonly ready: Promise<void>;
  /** Services, once ready (tests and the benchmark use them). */
  services(): { world: WorldService; layers: LayerService; database: Database; auth: AuthService; admin: AdminService; audit: AuditService; ingest: IngestService; alarms: AlarmService; absence: AbsenceService; incidents: IncidentServices };
  /** Bind the port (0 for an ephemeral one) and start the database work in the background. */
  listen(): Promise<AddressInfo>;
  /** Stop accepting, finish in-flight work, close the database. */
  close(): Promise<void>;
}

export interface AppOptions {
  /** Default: createLogger(config) (server/core/logging.ts: secrets redacted, pretty on a terminal). */
  logger?: Logger;
  /** Default: a HubMetrics of this hub's own (its own registry). */
  metrics?: HubMetrics;
  /** The time the hub's rules go by (tests pass a ManualClock). */
  clock?: Clock;
  /** Called once when the demo accounts were created; main.ts prints a generated password. */
  onDemoAccounts?: (created: string[], generatedPassword: string | null) => void;
}

/** How often sessions that timed out are ended (and their sockets closed) without a request. */
const SWEEP_EVERY_MS = 60_000;

export function createApp(config: Config, opts: AppOptions = {}): Hub {
  const log = opts.logger ?? createLogger(config);
  const metrics = opts.metrics ?? new HubMetrics();
  const readiness = new ReadinessState();
  const clock = opts.clock ?? systemClock;
  const settings = authSettings(config);
  const app = express();
  const httpServer = createServer(app);
  const io: HubIo = new IoServer(httpServer, ioOptions(settings));
  // Sockets on this hub (read at scrape time) and screens' catch-up requests (every `…:sync`),
  // counted at Socket.IO's edge so the gateway need not know about metrics.
  metrics.countSockets(() => io.of('/').sockets.size);
  io.on('connection', (socket) => socket.use(([event], next) => (typeof event === 'string' && event.endsWith(':sync') && metrics.catchup(event), next())));

  let database: Database | undefined;
  let world: WorldService | undefined;
  let layers: LayerService | undefined;
  let basemap: BasemapService | undefined;
  let builds: BuildThread | undefined;
  let audit: AuditService | undefined;
  let auth: AuthService | undefined;
  let admin: AdminService | undefined;
  let ingest: IngestService | undefined;
  let mqttIngest: MqttIngest | undefined;
  metrics.followMqtt(() => mqttIngest?.stats);
  let alarmService: AlarmService | undefined;
  let absence: AbsenceService | undefined;
  let incidents: IncidentServices | undefined;
  let deadLetters: DeadLetterService | undefined;
  let outbox: OutboxRelay | undefined;
  // Every periodic job of this hub (scheduler.ts): scheduled once ready, stopped on close.
  const scheduler = new Scheduler(log, clock);
  const seedAbort = new AbortController();
  // Several hubs (realtime/redis-adapter.ts): set before the gateway, which listens to the adapter's rooms.
  const redis = config.redisUrl ? attachRedisAdapter(io, config.redisUrl, config.redisPrefix ?? 'city-command', log) : null;
  const gateway = new RealtimeGateway(io, readiness, () => auth, config.realtimeTickMs, log);
  gateway.crossHub = redis !== null;
  gateway.onAlarmsPushed = (n) => metrics.alarmsPushed(n);
  // Until the socket handshake can succeed, a WebSocket upgrade is refused with 503 where a proxy
  // sees it (the handshake's own refusal is inside the WebSocket, invisible to nginx; upgrades.ts).
  refuseUpgradesUntil(httpServer, () => auth !== undefined);

  // Late-bound services (late-bound.ts): routes exist from the first second (so /readyz answers
  // during seeding) and reach the services through these accessors only after `ready`.
  const limits = rateLimits(settings);
  const lazy = lateBound(
    {
      world: () => world,
      layers: () => layers,
      basemap: () => basemap,
      auth: () => auth,
      admin: () => admin,
      audit: () => audit,
      ingest: () => ingest,
      alarms: () => alarmService,
      incidents: () => incidents,
      deadLetters: () => deadLetters,
      // The incident routes' parts.
      sla: () => incidents?.slaPolicy,
      dispatch: () => incidents?.dispatch,
      photos: () => incidents?.photos,
      read: () => incidents?.read,
      citizens: () => incidents?.citizens,
    },
    { metrics, loginLimit: limits.login, citizenLimit: limits.citizen },
  );

  app.disable('x-powered-by');
  app.set('etag', false); // layers set their own content-hash ETags
  app.set('trust proxy', settings.trustProxy);
  app.use(securityHeaders(config));
  app.use(compression());
  // One line per request ("GET /api/v1/x 200 12ms"), warn on 4xx, error on 5xx; never headers (server/core/logging.ts).
  app.use(pinoHttp({ logger: log, ...httpLogOptions(), autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' } }));
  app.use(healthRoutes(readiness));
  app.use(docsRoutes());

  // The API: ready → per-address limit → body → credential → per-principal limit → CSRF → route.
  const requireReady: RequestHandler = (_req, _res, next) => {
    next(readiness.ready && auth ? undefined : new HttpError(503, ErrorCode.ServiceNotReady, 'the hub is still starting (see /readyz)'));
  };
  const api = new ApiRoutes(() => lazy.audit);
  // Each route takes the services it names from `lazy`.
  authRoutes(api, lazy);
  adminRoutes(api, lazy);
  eventRoutes(api, lazy);
  alarmRoutes(api, lazy);
  incidentRoutes(api, lazy);
  slaRoutes(api, lazy);
  fieldRoutes(api, lazy);
  photoRoutes(api, lazy);
  citizenRoutes(api, lazy);
  // composition root: pass in constructor (the world service exists only once the database is ready)
  qrRoutes(api, { qr: new QrService({ regionName: (code) => lazy.world.regionName(code) }) });
  worldRoutes(api, lazy);
  mapRoutes(api, lazy);
  const authenticateLazy = authenticate(() => lazy.auth);
  // Event batches (up to 1,000 events) get a larger body than everything else.
  const smallJson = express.json({ limit: '256kb' });
  const eventJson = express.json({ limit: '4mb' });
  app.use(
    API_PREFIX,
    requireReady,
    limits.perAddress,
    (req, res, next) => (req.path === '/events' ? eventJson : smallJson)(req, res, next),
    // Text PostgreSQL can store, at most 32 levels deep (an event batch's strings: per item, by ingest).
    storableInput({ maxDepth: 32, itemised: (req) => req.path === '/events' }),
    cookieParser(),
    authenticateLazy,
    limits.perPrincipal,
    csrfGuard(settings),
    api.router,
  );
  app.use(API_PREFIX, notFoundApi);

  // Demo video streams are the hub's own files: only a signed-in screen that may play video gets them.
  app.use('/streams', requireReady, cookieParser(), authenticateLazy, (req, _res, next) => {
    if (!req.auth) return next(new HttpError(401, ErrorCode.AuthRequired, 'sign in first'));
    const d = decide(req.auth.principal, 'video:play');
    next(d.allow ? undefined : new HttpError(403, ErrorCode.AuthForbidden, d.reason));
  });

  // Prometheus, outside the API like /healthz: a scraper's METRICS_TOKEN, or a city-wide admin's session.
  app.use(metricsRoutes({ metrics, token: config.metricsToken, session: [requireReady, cookieParser(), authenticateLazy] }));

  // The built client (npm run build), with history-API fallback for the SPA's routes.
  app.use(clientApp(config.staticDir));
  app.use(errorHandler(log));

  let resolveReady!: () => void;
  let rejectReady!: (e: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  // Avoid an unhandled rejection when nobody awaits `ready` (the hub still serves /readyz = 503).
  ready.catch(() => undefined);

  async function init(): Promise<void> {
    // How long start-up held the event loop, logged once warm (BENCHMARKS.md, "Start-up").
    const t0 = performance.now();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    try {
      database = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    } catch (e) {
      readiness.set('database', 'failed', (e as Error).message);
      throw e;
    }
    readiness.set('database', 'ok');
    readiness.step('migrating the database');
    metrics.instrumentDatabase((database.db as unknown as { $client?: unknown }).$client);
    log.info({ database: database.kind, location: database.location }, 'database open');
    const meta = new MetaRepository(database.db);
    const worldRepo = new WorldRepository(database.db);
    const worldService = new WorldService(worldRepo, meta, log, clock);
    const auditService = new AuditService(new AuditRepository(database.db), clock, log);
    const authService = new AuthService(new IdentityRepository(database.db), auditService, clock, settings, log);
    const alarms = new AlarmService(new AlarmRepository(database.db), worldRepo, auditService, clock, log);
    const db = database.db;
    const transact = <T>(fn: (tx: Db) => Promise<T>): Promise<T> => db.transaction((tx) => fn(tx as unknown as Db));
    const absenceService = new AbsenceService(new ResidentRepository(db), new EventRepository(db), new AlarmRepository(db), alarms, transact, clock, log);
    try {
      await database.migrateAndRun(async (db) => {
        readiness.set('migrations', 'ok');
        readiness.set('demoData', 'seeding');
        await worldService.ensureSeeded(db, { scale: config.demoScale, seed: config.demoSeed }, seedAbort.signal, (what) => readiness.step(what));
        readiness.step('alarm rules and accounts');
        await alarms.ensureRules();
        await absenceService.ensureRule();
        if (settings.production) {
          const demo = await authService.demoUserNames();
          if (demo.length > 0) {
            throw new DatabaseSetupError(
              `NODE_ENV=production and the database holds demo accounts (${demo.slice(0, 6).join(', ')}${demo.length > 6 ? ', …' : ''}): remove them first with \`npm run accounts -- remove-demo\``,
            );
          }
        } else {
          const { created, generatedPassword } = await authService.ensureDemoAccounts();
          if (created.length) opts.onDemoAccounts?.(created, generatedPassword);
        }
      });
    } catch (e) {
      const snap = readiness.snapshot();
      if (snap.checks.migrations !== 'ok') readiness.set('migrations', 'failed', (e as Error).message);
      else readiness.set('demoData', 'failed', (e as Error).message);
      throw e;
    }
    authService.onSessionsEnded = (ids, reason) => gateway.endSessions(ids, reason);
    audit = auditService;
    auth = authService;
    admin = new AdminService(new IdentityRepository(database.db), authService, auditService, clock);
    ingest = new IngestService(worldRepo, new EventRepository(db), alarms, transact, clock, log);
    ingest.metrics = metrics;
    alarms.sinks = {
      publish: (views) => gateway.publishAlarms(views),
      outboxed: () => outbox?.kick(),
    };
    // Device commands: recorded in the raising transaction, delivered after commit by any hub.
    const outboxRepo = new OutboxRepository(db);
    metrics.countOutboxPending(() => outboxRepo.pending());
    alarms.outbox = outboxRepo;
    outbox = new OutboxRelay(outboxRepo, () => (mqttIngest?.connected ? (topic, payload) => mqttIngest!.publishAcked(topic, payload) : null), clock, log);
    const ingestService = ingest;
    const incidentServices = createIncidentServices({
      db,
      alarms,
      audit: auditService,
      locator: {
        locate: (p) => ingestService.locate(p),
        cameras: (p, n) => alarms.nearestCameras(p, n),
        regionCenter: async (code) => (await worldRepo.regionPlace(code))?.center ?? null,
      },
      transact,
      clock,
      log,
    });
    // After commit, incidents and units go to the screens (the gateway batches them per room).
    incidentServices.events.on('incidents', (views) => gateway.publishIncidents(views));
    incidentServices.events.on('units', (units) => gateway.publishUnits(units));
    const autoPriority = config.autoIncidentPriority ?? 1;
    if (autoPriority > 0) {
      // composition root: pass in constructor (the ingest service is made before the incident services, which locate through it)
      ingest.autoIncidents = incidentServices.commands.autoFromAlarms(autoPriority);
      ingest.onIncidents = (rows) => incidentServices.store.published(rows);
    }
    // Loaded before any transaction needs it (the ingest commit makes priority-1 incidents inside one).
    await incidentServices.slaPolicy.get();
    gateway.sync({ event: 'incident:sync', sync: incidentServices.read.sync.bind(incidentServices.read) });
    gateway.attachFeeds({ alarms: alarms.feedSource(), incidents: incidentServices.read.feedSource() });
    deadLetters = new DeadLetterService(new DeadLetterRepository(db), clock, log);
    incidents = incidentServices;
    alarmService = alarms;
    gateway.sync({ event: 'alarm:sync', sync: alarms.sync.bind(alarms) });
    absence = absenceService;
    if (config.mqttUrl) {
      mqttIngest = new MqttIngest(config.mqttUrl, ingest, async () => {
        const ctx = await authService.cityDevice('mqtt', 'MQTT');
        if (!ctx) throw new Error('no city in the database');
        return ctx;
      }, log, config.mqttClientId ?? defaultMqttClientId((httpServer.address() as AddressInfo | null)?.port ?? config.port), config.mqttShareGroup, config.mqttConnections);
      mqttIngest.deadLetters = deadLetters;
      mqttIngest.start();
      mqttIngest.onConnect = () => outbox?.kick();
    }
    scheduler.every('session sweep', SWEEP_EVERY_MS, () => authService.sweep());
    world = worldService;
    // Layers and basemap sources are read and encoded off the main thread (build-thread.ts).
    const openDb = database;
    builds = new BuildThread(() => openDb.threadConnection(), log);
    layers = new LayerService(worldRepo, log, builds);
    basemap = new BasemapService(worldRepo, worldService, { styleUrl: config.mapStyleUrl, crs: config.mapCrs ?? 'wgs84' }, log, builds);
    readiness.step('warming the indexes, the summary and the layers');
    readiness.set('demoData', 'ok');
    const readyMs = performance.now() - t0;
    scheduler.every('absence sweep', config.absenceSweepMs ?? 0, () => absenceService.sweep());
    scheduler.every('SLA sweep', config.slaSweepMs ?? 0, () => incidentServices.sla.sweep(), { immediately: true });
    scheduler.every('outbox poll', OUTBOX_POLL_MS, () => outbox?.poll(), { immediately: true });
    // Build the compact layers and the summary before the first screen asks (not part of readiness).
    // First what the first event needs (a broker's backlog arrives at once after a restart): the
    // ingest grid index and device table, the alarm zone index. Then what screens need.
    const warmLayers = layers;
    void Promise.all([ingestService.locate([0, 0]), alarms.nearestCameras([0, 0], 1)])
      .catch((e: unknown) => log.warn({ err: e }, 'building the ingest and alarm indexes failed; the first event builds them'))
      .then(() =>
        Promise.all([
          worldService.summary().catch((e: unknown) => log.warn({ err: e }, 'computing the world summary failed; it will be computed on request')),
          warmLayers.warm().catch((e: unknown) => log.warn({ err: e }, 'warming layers failed; they will be built on request')),
        ]),
      )
      .then(() => {
        readiness.step(undefined);
        loopDelay.disable();
        const ms = (ns: number) => Math.round(ns / 1e5) / 10;
        log.info({ readyMs: Math.round(readyMs), warmMs: Math.round(performance.now() - t0), loopDelayMaxMs: ms(loopDelay.max), loopDelayP99Ms: ms(loopDelay.percentile(99)) }, 'start-up finished');
      });
  }

  let initPromise: Promise<void> | undefined;
  let closing: Promise<void> | undefined;

  return {
    config,
    app,
    httpServer,
    io,
    log,
    readiness,
    ready,
    gateway,
    metrics,
    routes: api.specs,
    mqtt: () => mqttIngest,
    services() {
      if (!world || !layers || !database || !auth || !admin || !audit || !ingest || !alarmService || !absence || !incidents) throw new Error('hub not ready');
      return { world, layers, database, auth, admin, audit, ingest, alarms: alarmService, absence, incidents };
    },
    listen() {
      return new Promise<AddressInfo>((resolveListen, rejectListen) => {
        httpServer.once('error', rejectListen);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', rejectListen);
          const addr = httpServer.address() as AddressInfo;
          log.info({ url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${addr.port}` }, 'hub listening');
          initPromise = init().then(resolveReady, (e: unknown) => {
            rejectReady(e);
          });
          resolveListen(addr);
        });
      });
    },
    close() {
      closing ??= (async () => {
        seedAbort.abort();
        // Stop accepting; Socket.IO closes its clients, and the HTTP server its idle sockets.
        const httpClosed = new Promise<void>((res) => {
          if (!httpServer.listening) return res();
          httpServer.close(() => res());
          httpServer.closeIdleConnections();
        });
        await io.close().catch(() => undefined);
        await initPromise?.catch(() => undefined);
        // Set up by init: stopped once init is over, so a hub closed while starting leaves nothing running.
        await scheduler.stop();
        gateway.flush();
        await outbox?.stop();
        await mqttIngest?.close().catch(() => undefined);
        await redis?.quit().catch(() => undefined);
        // In-flight requests get up to 3 s to finish their writes, then their sockets are cut.
        await Promise.race([httpClosed, sleep(3_000, undefined, { ref: false })]);
        httpServer.closeAllConnections();
        await builds?.close();
        await database?.close().catch((e: unknown) => log.warn({ err: e }, 'closing the database failed'));
        metrics.close();
        log.info('hub closed');
      })();
      return closing;
    },
  };
}
