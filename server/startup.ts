/**
 * boot(): the hub's start-up once it listens. Open the database (refusing one that is not ours),
 * compose the hub's parts (server/components.ts), migrate under the advisory lock that several
 * hubs starting together share, seed the demo city, the alarm rules and the demo accounts (or, in
 * production, refuse a database that holds them), load the SLA policy; then start what runs on its
 * own (the MQTT subscriber, the scheduler's jobs), open the edge (`open`: the API and sockets),
 * say ready, and warm the indexes and layers in the background, logging how long start-up held the
 * event loop (BENCHMARKS.md, "Start-up"). A failure marks the readiness check it broke and closes
 * what was opened.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { authSettings } from './core/config';
import type { ReadinessState } from './core/readiness';
import type { Scheduler } from './core/scheduler';
import { DatabaseSetupError, openDatabase, type Database } from './db/connect';
import { OUTBOX_POLL_MS } from './services/outbox.service';
import { insertHistory } from './history/seed';
import { startHistory, type HistoryStream } from './history/thread';
import { compose, type ComposeDeps, type Components } from './components';

/** How often each hub adds its device counters to the registry, and looks for cameras gone silent. */
const DEVICE_COUNTS_EVERY_MS = 5_000;
const DEVICE_REGISTRY_EVERY_MS = 15_000;
const CAMERA_SWEEP_EVERY_MS = 30_000;
/** How often sessions that timed out are ended (and their sockets closed) without a request. */
const SWEEP_EVERY_MS = 60_000;
/** How often unit positions older than the trail window are deleted (a minute's moves at most). */
const TRAIL_PRUNE_EVERY_MS = 60_000;
/** How often open major events are read again (another hub's plan, a window that opened or ended). */
const MAJOR_EVENTS_EVERY_MS = 5_000;

export interface BootDeps extends ComposeDeps {
  scheduler: Scheduler;
  /** Aborted when the hub closes while it seeds. */
  signal: AbortSignal;
  /** Called once when the demo accounts were created; main.ts prints a generated password. */
  onDemoAccounts?: (created: string[], generatedPassword: string | null) => void;
  /** The hub is set up: the edge serves these parts from now on (before /readyz says ready). */
  open(components: Components): void;
}

export async function boot(d: BootDeps): Promise<Components> {
  const { readiness, log } = d;
  const t0 = performance.now();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // A fresh demo database gets a year of history (issue 16): its generation (tens of seconds on a
  // worker) starts before the database opens, and stops as soon as the database turns out seeded.
  // Not in production (no demo accounts).
  const months = authSettings(d.config).production ? 0 : (d.config.demoHistoryMonths ?? 0);
  const history =
    months > 0
      ? startHistory({ scale: d.config.demoScale, seed: d.config.demoSeed, startMs: d.clock.now(), months })
      : null;
  let database: Database;
  try {
    database = await openDatabase({ dataDir: d.config.dataDir, databaseUrl: d.config.databaseUrl });
  } catch (e) {
    await history?.close();
    readiness.set('database', 'failed', (e as Error).message);
    loopDelay.disable();
    throw e;
  }
  readiness.set('database', 'ok');
  readiness.step('migrating the database');
  d.metrics.instrumentDatabase((database.db as unknown as { $client?: unknown }).$client);
  log.info({ database: database.kind, location: database.location }, 'database open');
  const c = compose(database, d);
  try {
    await setUp(c, d, history);
    // Loaded before any transaction needs it (the ingest commit makes priority-1 incidents inside one).
    await c.incidents.slaPolicy.get();
  } catch (e) {
    loopDelay.disable();
    await c.builds.close();
    await database.close().catch((err: unknown) => log.warn({ err }, 'closing the database failed'));
    throw e;
  }
  start(c, d);
  d.open(c);
  readiness.step('warming the indexes, the summary and the layers');
  readiness.set('demoData', 'ok');
  warmUp(c, log, readiness, t0, performance.now() - t0, loopDelay);
  return c;
}

/**
 * Migrations, the demo city, rules and accounts (and the history, on a fresh database, from the
 * stream generating it), under the lock; a failure marks its readiness check.
 */
async function setUp(c: Components, d: BootDeps, history: HistoryStream | null): Promise<void> {
  const { readiness } = d;
  try {
    await c.database.migrateAndRun(async (db) => {
      readiness.set('migrations', 'ok');
      readiness.set('demoData', 'seeding');
      // The history, generated while the city is inserted, goes in once the demo accounts it names
      // exist; not into a database seeded before.
      const fresh = history !== null && !(await c.world.provenance());
      if (!fresh) await history?.close();
      await seed(c, d, db, fresh ? history : null);
    });
  } catch (e) {
    if (readiness.snapshot().checks.migrations !== 'ok') readiness.set('migrations', 'failed', (e as Error).message);
    else readiness.set('demoData', 'failed', (e as Error).message);
    throw e;
  } finally {
    await history?.close();
  }
}

/** The demo city, rules and accounts (and the city's history when `history` runs), inside the startup lock. */
async function seed(c: Components, d: BootDeps, db: Database['db'], history: HistoryStream | null): Promise<void> {
  const { config, readiness } = d;
  const production = authSettings(config).production;
  const seeded = await c.world.ensureSeeded(db, { scale: config.demoScale, seed: config.demoSeed }, d.signal, (what) =>
    readiness.step(what),
  );
  readiness.step('alarm rules and accounts');
  await c.alarms.ensureRules();
  await c.absence.ensureRule();
  await c.coverage.ensureRule();
  await c.wall.ensureDefault();
  if (production) {
    const demo = await c.demoAccounts.names();
    if (demo.length > 0) {
      throw new DatabaseSetupError(
        `NODE_ENV=production and the database holds demo accounts (${demo.slice(0, 6).join(', ')}${demo.length > 6 ? ', …' : ''}): remove them first with \`npm run accounts -- remove-demo\``,
      );
    }
  } else {
    const { created, generatedPassword } = await c.demoAccounts.ensure();
    if (created.length) d.onDemoAccounts?.(created, generatedPassword);
  }
  if (history && seeded.seeded && (await c.repositories.history.empty()))
    await insertHistory(
      db,
      history,
      await c.repositories.identity.users(),
      d.log,
      (what) => readiness.step(what),
      d.signal,
    );
}

/** What runs on its own: the MQTT subscriber, the periodic jobs, the metrics read at each scrape. */
function start(c: Components, d: BootDeps): void {
  const { config, scheduler, metrics } = d;
  metrics.followMqtt(() => c.mqtt?.stats);
  metrics.countOutboxPending(() => c.repositories.outbox.pending());
  c.mqtt?.start();
  scheduler.every('session sweep', SWEEP_EVERY_MS, () => c.auth.sweep());
  scheduler.every('absence sweep', config.absenceSweepMs ?? 0, () => c.absence.sweep());
  scheduler.every('major events', MAJOR_EVENTS_EVERY_MS, () => c.majorEvents.refresh(), { immediately: true });
  scheduler.every('coverage sweep', config.coverageSweepMs ?? 0, () => c.coverage.sweep(), { immediately: true });
  scheduler.every('SLA sweep', config.slaSweepMs ?? 0, () => c.incidents.sla.sweep(), { immediately: true });
  scheduler.every('alarm expiry', config.alarmExpirySweepMs ?? 0, () => c.alarms.expire());
  scheduler.every('outbox poll', OUTBOX_POLL_MS, () => c.outbox.poll(), { immediately: true });
  // Devices (issue 18): counters added to the registry, cameras whose keepalives stopped, and the
  // cameras layer rebuilt (at most this often) when keepalives changed statuses.
  // GB/T 28181 devices send to the SIP port; a port another program holds leaves the hub running without it.
  const sip = c.sip;
  if (sip)
    void sip.listen().then(
      (ports) => d.log.info(ports, 'GB/T 28181 SIP endpoint listening (UDP and TCP)'),
      (err: unknown) =>
        d.log.error({ err }, 'GB/T 28181 SIP endpoint could not listen: devices cannot send alarms by SIP'),
    );
  // Dahua devices: attached as registered, and again whenever the registry changes (read again
  // every few seconds, so an admin's change on another hub reaches this one).
  const dahua = c.dahua;
  if (dahua) {
    c.devices.onChange((endpoints) => {
      void dahua.sync(
        endpoints.flatMap((e) =>
          e.kind === 'dahua' && e.enabled && e.dahua?.password
            ? [{ endpointId: e.id, url: e.dahua.url, username: e.dahua.username, password: e.dahua.password }]
            : [],
        ),
      );
    });
  }
  scheduler.every('device registry', DEVICE_REGISTRY_EVERY_MS, () => c.devices.reload(), { immediately: true });
  scheduler.every('device counts', DEVICE_COUNTS_EVERY_MS, () => c.deviceIngest.flush());
  scheduler.every('camera keepalives', CAMERA_SWEEP_EVERY_MS, async () => {
    await c.cameraStatus.sweep();
    if (c.cameraStatus.takeChanged()) c.layers.invalidateLayer('cameras');
  });
  scheduler.every('trail prune', TRAIL_PRUNE_EVERY_MS, () => c.incidents.trails.prune(), { immediately: true });
}

/**
 * Build the compact layers and the summary before the first screen asks (not part of readiness).
 * First what the first event needs (a broker's backlog arrives at once after a restart): the
 * ingest grid index and device table, the alarm zone index. Then what screens need.
 */
function warmUp(
  c: Components,
  log: Logger,
  readiness: ReadinessState,
  t0: number,
  readyMs: number,
  loopDelay: IntervalHistogram,
): void {
  void Promise.all([c.locator.index(), c.alarms.nearestCameras([0, 0], 1)])
    .catch((e: unknown) =>
      log.warn({ err: e }, 'building the ingest and alarm indexes failed; the first event builds them'),
    )
    .then(() =>
      Promise.all([
        c.world
          .summary()
          .catch((e: unknown) =>
            log.warn({ err: e }, 'computing the world summary failed; it will be computed on request'),
          ),
        c.layers
          .warm()
          .catch((e: unknown) => log.warn({ err: e }, 'warming layers failed; they will be built on request')),
      ]),
    )
    .then(() => {
      readiness.step(undefined);
      loopDelay.disable();
      const ms = (ns: number) => Math.round(ns / 1e5) / 10;
      log.info(
        {
          readyMs: Math.round(readyMs),
          warmMs: Math.round(performance.now() - t0),
          loopDelayMaxMs: ms(loopDelay.max),
          loopDelayP99Ms: ms(loopDelay.percentile(99)),
        },
        'start-up finished',
      );
    });
}
