/**
 * The hub's entry point: settings from the environment, createApp, signals.
 * Exit codes: 2 for a bad setting, 1 for a startup failure (database unreachable or not ours).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { authSettings, ConfigError, loadConfig, type Config } from './core/config';
import { createApp } from './app';
import { createLogger } from './core/logging';
import { simWorldFromRepository, startSimulator, type Simulator } from './simulator';
import { startUnitMotion } from './simulator/unit-runner';
import { startStaff, type Staff } from './simulator/staff-runner';
import { HttpError } from './core/http-errors';

let config: Config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`hub: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

// The simulator posts through the public API like any device: in the demo city without an
// INGEST_API_KEY it gets a key of its own for this run.
if (config.simulator?.enabled && !config.auth?.production && !config.auth?.ingestApiKey) {
  config = { ...config, auth: { ...config.auth, ingestApiKey: `sim-${randomBytes(24).toString('base64url')}` } };
}

// JSON lines on stdout, or readable ones on a terminal (LOG_FORMAT); no secret in either (server/core/logging.ts).
const log = createLogger(config);

const hub = createApp(config, {
  logger: log,
  // Deliberately not a log line: the one time a generated password is shown, to the person at the
  // console (stderr, plain text), never into the JSON stream a log collector keeps.
  onDemoAccounts(created, generatedPassword) {
    const lines = [
      `demo accounts created: ${created.join(', ')}`,
      generatedPassword
        ? `their password (shown this once; set DEMO_PASSWORD to choose one): ${generatedPassword}`
        : 'their password is the DEMO_PASSWORD setting',
    ];
    process.stderr.write(`\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
  },
});
const SHUTDOWN_DEADLINE_MS = 5_000;

hub.ready.catch((e: unknown) => {
  hub.log.fatal({ err: e }, `startup failed: ${(e as Error).message}`);
  process.stderr.write(`hub: startup failed: ${(e as Error).message}\n`);
  void hub.close().finally(() => process.exit(1));
});

let simulator: Simulator | undefined;
let staff: Staff | undefined;
/** The hub's own address, for the simulators that go through its public API like anyone else. */
function hubUrl(): string {
  const addr = hub.httpServer.address() as AddressInfo;
  const host =
    config.host === '0.0.0.0' || config.host === '::'
      ? '127.0.0.1'
      : config.host.includes(':')
        ? `[${config.host}]`
        : config.host;
  return `http://${host}:${addr.port}`;
}
// The demo's simulators start once the hub is ready. A shutdown after that waits for them to have
// started (each step checks `stopping`), so that nothing writes to a database being closed; one
// before that (still seeding) does not wait.
let demoStarting: Promise<void> | undefined;
void hub.ready.then(
  () => {
    demoStarting = startDemo().catch((e: unknown) => hub.log.error({ err: e }, 'simulator: not started'));
  },
  () => undefined,
);

async function startDemo(): Promise<void> {
  const staffOn = !!config.simulator?.staff?.enabled && !config.auth?.production;
  if (config.simulator?.enabled) {
    const key = authSettings(config).ingestApiKey;
    if (!key) {
      hub.log.warn('SIMULATOR=on needs an ingest key, which production does not allow; the simulator is off');
    } else {
      const world = await simWorldFromRepository(hub.services().repositories.world);
      if (stopping) return;
      simulator = startSimulator({
        baseUrl: hubUrl(),
        apiKey: key,
        world,
        ratePerSec: config.simulator.ratePerSec,
        seed: config.demoSeed,
        log: hub.log,
      });
      hub.log.info({ ratePerSec: config.simulator.ratePerSec }, 'simulator started (SIMULATOR=off turns it off)');
    }
  }
  // The units drive to where they are sent whenever anyone in the demo sends them.
  if (!stopping && (simulator || staffOn)) motion = await startDemoUnitMotion();
  if (!stopping && staffOn) staff = await startDemoStaff();
}

/**
 * The demo's simulated staff (server/simulator/staff-runner.ts): dispatchers, units, grid workers
 * and citizens working a share of the incidents through the public API as the demo's accounts.
 * The hub opens their sessions (AuthService.demoSession): no password is needed, nor known when
 * the demo one was generated at the first start.
 */
async function startDemoStaff(): Promise<Staff | undefined> {
  const { auth, repositories, demoAccounts } = hub.services();
  // They act as each unit they send, through its own phone: every unit needs its demo field account.
  await demoAccounts.ensureUnitPhones();
  const [units, grids] = await Promise.all([repositories.world.units(), repositories.world.regionsAt('grid')]);
  if (stopping) return undefined;
  const pace = config.simulator?.staff?.pace ?? 1;
  const started = startStaff({
    baseUrl: hubUrl(),
    open: (username) =>
      auth.demoSession(username).then(
        ({ token, info }) => ({ token, csrfToken: info.csrfToken }),
        (e: unknown) => {
          if (e instanceof HttpError && e.status === 403) return null;
          throw e;
        },
      ),
    roster: units.map((u) => ({ id: u.id, kind: u.kind, homeRegionCode: u.homeRegionCode })),
    places: grids.map((g) => [g.centerLon, g.centerLat] as [number, number]),
    pace,
    seed: config.demoSeed,
    log: hub.log,
  });
  hub.log.info({ pace }, 'simulated staff started (SIMULATOR_STAFF=off turns them off)');
  return started;
}

/**
 * The demo units drive and walk along the demo city's roads (server/simulator/unit-motion.ts); a
 * unit sent to an incident heads there. Units whose member's phone reports positions are left alone.
 */
let motion: { stop(): Promise<void> } | undefined;
async function startDemoUnitMotion(): Promise<{ stop(): Promise<void> } | undefined> {
  const { incidents, events, repositories } = hub.services();
  const roads = (await repositories.world.basemap())
    .filter((f) => f.kind === 'road' && f.geometry.type === 'LineString')
    .map((f) => ({ coordinates: f.geometry.coordinates as [number, number][], class: f.class }));
  const live = [...(await incidents.units.fresh()).all()];
  if (stopping) return undefined;
  const runner = startUnitMotion({
    roads,
    units: live.map((u) => ({
      id: u.id,
      kind: u.kind,
      status: u.status,
      position: [u.lon, u.lat] as [number, number],
      homeRegionCode: u.homeRegionCode,
    })),
    seed: config.demoSeed,
    log: hub.log,
    move: (moves) => incidents.dispatch.moveUnits(moves),
    statusOf: async () => new Map([...(await incidents.units.fresh()).all()].map((u) => [u.id, u.status])),
  });
  // Units sent to an incident (a domain event, after commit) head there.
  events.on('unitsSent', (ids, target) => {
    for (const id of ids) runner.goTo(id, target);
  });
  for (const u of live)
    if (u.status === 'busy' && u.incidentId) {
      const row = await incidents.read.incidentPosition(u.incidentId);
      if (row) runner.goTo(u.id, row);
    }
  hub.log.info({ units: live.length, roads: roads.length }, 'demo units move along the roads');
  return runner;
}

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  hub.log.info({ signal }, 'shutting down');
  // Whatever happens, the process is gone within the deadline.
  setTimeout(() => {
    hub.log.error('shutdown deadline passed; exiting');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  Promise.resolve(demoStarting)
    .then(() => Promise.all([simulator?.stop(), staff?.stop(), motion?.stop()]))
    .catch(() => undefined)
    .then(() => hub.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

hub.listen().catch((e: unknown) => {
  process.stderr.write(`hub: cannot listen on ${config.host}:${config.port}: ${(e as Error).message}\n`);
  process.exit(1);
});
