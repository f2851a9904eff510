/**
 * Events → screens, one hub against three (issue 13): the same load as the realtime bench
 * (bench/realtime.ts: every event a camera 'stranger' inside a key person's circle, one alarm each,
 * pushed to every screen; devices in bench/realtime-publisher.ts, screens in bench/realtime-clients.ts)
 * on three deployments of real hub processes (`server/main.ts`, started by bench/cluster.ts with the
 * same settings each time), each on a fresh PostgreSQL database:
 *   (a) 1 hub, PostgreSQL, no Redis;
 *   (b) 1 hub, PostgreSQL + the Socket.IO Redis Streams adapter (a redis-server of the bench's own);
 *   (c) 3 hubs behind nginx (config/nginx.conf), PostgreSQL + Redis: devices post and screens
 *       connect through nginx, which spreads them over the hubs.
 * On one machine three hubs share the cores one hub had, so (c) cannot be faster than (a); what must
 * hold is 100 % delivered with no hole and no alarm twice, and what each hub spends per delivered
 * alarm (the figure docs/capacity.md scales from).
 *
 * Per deployment and rate, four windows:
 *   - idle: no screen, no event (timers);
 *   - ingest only: the devices post for half the run, no screen is connected (the hubs store events
 *     and raise alarms, and push nothing): hub and PostgreSQL CPU per ingested event;
 *   - idle screens: the screens connected, no event for IDLE_MS;
 *   - the run: devices and screens for SECONDS, then a drain (DRAIN_MS, longer while alarms still
 *     arrive, at most MAX_DRAIN_MS): delivered, holes and doubles (from the batches' (from, rev]),
 *     latency, CPU.
 * CPU: each hub's own figure (`process_cpu_seconds_total` from its /metrics, i.e. process.cpuUsage),
 * PostgreSQL's backends serving the run's database (/proc/<pid>/stat of the pids in
 * pg_stat_activity, sampled), Redis (INFO cpu), nginx's master and workers (/proc). Screens per hub:
 * each hub's `sockets` gauge; the alarms a hub delivered are the screens' receipts × its share of
 * the screens (exact at 100 % delivered).
 *
 * Then three figures for docs/capacity.md:
 *   - events over MQTT, one event a message (as cameras publish), QoS 1, through the cluster's own
 *     Mosquitto into one hub: how fast they are stored, CPU of hub, PostgreSQL and Mosquitto;
 *   - what the Redis adapter carries: one hub with the demo units moving (SIMULATOR=on at 0
 *     events/s), stream entries a second and their size;
 *   - the rev lock (the serial point of every hub's alarm and incident commits, the repositories'
 *     pg_advisory_xact_lock held to commit): transactions a second on this PostgreSQL, with the
 *     lock and without, at 1, 100 and 1,000 rows a transaction.
 *
 * Settings: BENCH_CL_RATES (200,500,1000), BENCH_CL_CLIENTS (200), BENCH_CL_SECONDS (10),
 * BENCH_CL_DESIGNS (a,b,c), BENCH_CL_PROCS (screen processes, 2), BENCH_CL_MQTT_RATE (1000; 0
 * skips), BENCH_CL_UNITS (1; 0 skips), BENCH_CL_LOCK (1; 0 skips), BENCH_DATABASE_URL (a PostgreSQL
 * server; default postgres://postgres@127.0.0.1:5432/test).
 * Results: lines as it goes, and JSON in bench/results/realtime-cluster-<time>.json.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, writeFile, readFile, readdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { generateDemoCity } from '@server/demo';
import { loadConfig } from '@server/core/config';
import { generateEvents, simWorldFromCity } from '@server/simulator';
import { DEFAULT_RULES, evaluate } from '@server/rules/rules';
import { createZoneIndex } from '@server/rules/zone-index';
import { regionRooms, TICK_MS } from '@server/realtime/gateway';
import { tempPostgresDatabase } from '../tests/integration/helpers';
import { CLUSTER_KEY, CLUSTER_PASSWORD, startCluster, type Cluster } from './cluster';

const RATES = (process.env.BENCH_CL_RATES ?? '200,500,1000').split(',').map(Number);
const CLIENTS = Number(process.env.BENCH_CL_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_CL_SECONDS ?? 10);
const PROCS = Math.max(1, Number(process.env.BENCH_CL_PROCS ?? 2));
type Design = 'a' | 'b' | 'c';
const DESIGNS = (process.env.BENCH_CL_DESIGNS ?? 'a,b,c').split(',').filter(Boolean) as Design[];
const LOCK = (process.env.BENCH_CL_LOCK ?? '1') !== '0';
const UNITS = (process.env.BENCH_CL_UNITS ?? '1') !== '0';
const UNITS_SECONDS = 20;
/** Events over MQTT, one a message, into one hub: at this rate (0: skip). */
const MQTT_RATE = Number(process.env.BENCH_CL_MQTT_RATE ?? 1000);
const MQTT_SECONDS = 5;
const MIX = (process.env.BENCH_CL_MIX ?? '1') !== '0';
/** How long the hub gets after the last publish to store what is queued (a hub that cannot keep up shows as stored/s). */
const MQTT_WAIT_MS = 30_000;
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEY = CLUSTER_KEY;
const PASSWORD = CLUSTER_PASSWORD;
const METRICS_TOKEN = 'bench-metrics-token-0123456789';
/** After the last event is sent, how long the screens get to receive what is still on its way. */
const DRAIN_MS = 3_000;
const MAX_DRAIN_MS = 60_000;
const IDLE_MS = 3_000;
/** The ingest-only window: half the run, at least 4 s (it only needs a stable CPU figure). */
const INGEST_SECONDS = Math.max(4, Math.round(SECONDS / 2));

const LABELS: Record<Design, string> = {
  a: '1 hub, PostgreSQL',
  b: '1 hub, PostgreSQL + Redis',
  c: '3 hubs + nginx, PostgreSQL + Redis',
};

// The cluster's hubs seed the small demo city with the default seed (DEMO_SEED unset).
const DEMO_SEED = loadConfig({}).demoSeed;
const city = generateDemoCity({ scale: 'small', seed: DEMO_SEED });
const kp = city.zones.find((z) => z.kind === 'key_person' && z.shape.type === 'circle')!;
const [lon, lat] = (kp.shape as { center: [number, number] }).center;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Processes and their CPU

/** Lines a child writes on stdout, as they complete (node:readline splits the chunks). */
function lines(child: ChildProcessWithoutNullStreams, onLine: (line: string) => void): void {
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', onLine);
}

const TICKS_PER_S = 100; // getconf CLK_TCK on Linux

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; null once it is gone. */
async function procCpu(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/** The pids whose parent is `pid` (nginx's workers). */
async function childPids(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[1]) === pid) out.push(Number(name));
  }
  return out;
}

/**
 * CPU of the PostgreSQL backends serving one database: their pids are read from pg_stat_activity
 * every half second (the hub's pool opens and closes connections), and each pid's CPU from /proc.
 * A backend that exits between two samples loses at most half a second of its CPU.
 */
class PgCpu {
  private first = new Map<number, number>();
  private last = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly admin: pg.Client,
    private readonly dbName: string,
  ) {}

  private async sample(): Promise<void> {
    const { rows } = await this.admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [
      this.dbName,
    ]);
    for (const { pid } of rows) {
      const cpu = await procCpu(pid);
      if (cpu === null) continue;
      if (!this.first.has(pid)) this.first.set(pid, cpu);
      this.last.set(pid, cpu);
    }
  }

  async start(): Promise<void> {
    this.first.clear();
    this.last.clear();
    await this.sample();
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample()).catch(() => undefined);
    }, 500);
  }

  /** CPU seconds the backends used since start. */
  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    let s = 0;
    for (const [pid, end] of this.last) s += end - (this.first.get(pid) ?? end);
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Deployments (bench/cluster.ts: every design's hubs are the same processes with the same settings)

interface Deployment {
  design: Design;
  cluster: Cluster;
  /** Where devices post and screens connect: nginx in (c), the hub itself in (a) and (b). */
  entry: string;
  /** nginx's master pid (its workers are found under it). */
  nginxPid?: number;
}

/** The stream the Redis adapter writes (REDIS_PREFIX), so its length can be read. */
const REDIS_PREFIX = 'bench-cl';

async function startDeployment(design: Design): Promise<Deployment> {
  const cluster = await startCluster({
    hubs: design === 'c' ? 3 : 1,
    proxy: design === 'c',
    redis: design !== 'a',
    // Devices post over HTTP here (the realtime bench's load); the broker is the fault tests' part.
    mqtt: false,
    databaseServerUrl: PG_URL,
    env: { METRICS_TOKEN, REDIS_PREFIX },
  });
  let nginxPid: number | undefined;
  if (design === 'c') {
    // nginx's master is the process started with the cluster's rendered config (nginx rewrites its
    // title to "nginx: master process nginx -p … -c <conf> …").
    const conf = join(cluster.dir, 'nginx', 'nginx.conf');
    for (const name of await readdir('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
      if (cmd.startsWith('nginx: master') && cmd.includes(conf)) nginxPid = Number(name);
    }
    if (!nginxPid) throw new Error('nginx: master process not found');
  }
  return { design, cluster, entry: cluster.url, nginxPid };
}

// ---------------------------------------------------------------------------------------------
// What a deployment reports

/** The figures of one hub's /metrics that the bench reads. */
interface HubMetrics {
  cpuS: number;
  eventsIn: number;
  /** Group commits (one transaction each) so far, and the seconds they took in all. */
  commits: number;
  commitS: number;
  alarmsPushed: number;
  sockets: number;
}

async function hubMetrics(url: string): Promise<HubMetrics> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const sum = (name: string) => {
    let s = 0;
    for (const line of text.split('\n'))
      if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{'))
        s += Number(line.slice(line.lastIndexOf(' ') + 1));
    return s;
  };
  return {
    cpuS: sum('process_cpu_seconds_total'),
    eventsIn: sum('events_in_total'),
    commits: sum('group_commit_events_count'),
    commitS: sum('group_commit_seconds_sum'),
    alarmsPushed: sum('alarms_pushed_total'),
    sockets: sum('sockets'),
  };
}

/** Everything measured at one instant, so a window is the difference of two. */
interface Snapshot {
  at: number;
  hubs: HubMetrics[];
  nginxCpuS: number;
  redisCpuS: number;
  streamLen: number;
}

async function redisInfo(d: Deployment): Promise<{ cpuS: number; streamLen: number }> {
  if (!d.cluster.redisUrl) return { cpuS: 0, streamLen: 0 };
  const c = new Redis(d.cluster.redisUrl, { maxRetriesPerRequest: 1 });
  c.on('error', () => undefined); // a failed command rejects; the figures then fail the run
  try {
    const info = await c.info('cpu');
    const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    const streamLen = await c.xlen(REDIS_PREFIX).catch(() => 0);
    return { cpuS: v('used_cpu_user') + v('used_cpu_sys'), streamLen };
  } finally {
    c.disconnect();
  }
}

async function snapshot(d: Deployment): Promise<Snapshot> {
  const [hubs, redis, nginx] = await Promise.all([
    Promise.all(d.cluster.hubs.map((h) => hubMetrics(h.url))),
    redisInfo(d),
    (async () => {
      if (!d.nginxPid) return 0;
      let s = 0;
      for (const pid of [d.nginxPid, ...(await childPids(d.nginxPid))]) s += (await procCpu(pid)) ?? 0;
      return s;
    })(),
  ]);
  return { at: performance.now(), hubs, nginxCpuS: nginx, redisCpuS: redis.cpuS, streamLen: redis.streamLen };
}

// ---------------------------------------------------------------------------------------------
// Devices and screens (as bench/realtime.ts runs them)

interface ScreenReport {
  received: number;
  /** alarm:batch messages received (each one WebSocket frame to one screen). */
  batches: number;
  holes: number;
  doubled: number;
  latencies: number[];
  cpuMs: number;
  wallMs: number;
}

interface Screens {
  /** Alarms received so far by all screens. */
  count(): Promise<number>;
  /** The figures; the screens close. */
  report(): Promise<ScreenReport>;
}

/** One process of screens: asked "count" or "report" on stdin, answers one line each. */
class ScreenProcess {
  private waiting: { kind: 'count' | 'report'; resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  private gone: Error | null = null;
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.ready = new Promise((resolve, reject) => {
      lines(child, (line) => {
        if (line === 'ready') resolve();
        else if (line.startsWith('count ')) this.answer('count', Number(line.slice(6)));
        else if (line.startsWith('{')) this.answer('report', JSON.parse(line));
      });
      // A screen process that dies (or is killed) fails the run rather than leaving it waiting.
      // 'close', not 'exit': its last lines may still be in the pipe when it exits.
      child.once('close', (c, signal) => {
        this.gone = new Error(`a screen process exited (${c ?? signal}) before it answered`);
        reject(this.gone);
        for (const w of this.waiting.splice(0)) w.reject(this.gone);
      });
    });
  }

  private answer(kind: 'count' | 'report', value: unknown): void {
    const i = this.waiting.findIndex((w) => w.kind === kind);
    if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(value);
  }

  ask<T>(kind: 'count' | 'report'): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ kind, resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin.write(`${kind}\n`);
    });
  }
}

async function startScreens(url: string, cookie: string): Promise<Screens> {
  const procs = Array.from({ length: PROCS }, (_, p) => {
    const n = Math.floor(CLIENTS / PROCS) + (p < CLIENTS % PROCS ? 1 : 0);
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      'bench/realtime-clients.ts',
      'io',
      url,
      String(n),
      cookie,
    ]);
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    return new ScreenProcess(child);
  });
  await Promise.all(procs.map((p) => p.ready));
  return {
    async count() {
      const parts = await Promise.all(procs.map((p) => p.ask<number>('count')));
      return parts.reduce((a, n) => a + n, 0);
    },
    async report() {
      const parts = await Promise.all(procs.map((p) => p.ask<ScreenReport>('report')));
      const total = (k: 'received' | 'batches' | 'holes' | 'doubled' | 'cpuMs') => parts.reduce((a, p) => a + p[k], 0);
      return {
        received: total('received'),
        batches: total('batches'),
        holes: total('holes'),
        doubled: total('doubled'),
        latencies: parts.flatMap((p) => p.latencies),
        cpuMs: total('cpuMs'),
        wallMs: Math.max(...parts.map((p) => p.wallMs)),
      };
    },
  };
}

interface Devices {
  sent: number;
  accepted: number;
  failedPosts: number;
  postP50: number;
  postP99: number;
  cpuPct: number;
}

function publish(url: string, rate: number, seconds: number): Promise<Devices> {
  const child = spawn(process.execPath, [
    '--import',
    'tsx',
    'bench/realtime-publisher.ts',
    url,
    KEY,
    String(rate),
    String(seconds),
    String(lon),
    String(lat),
  ]);
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  return new Promise((resolve, reject) => {
    lines(child, (line) => line.startsWith('{') && resolve(JSON.parse(line) as Devices));
    child.once('exit', (c) => c !== 0 && reject(new Error(`publisher exited ${c}`)));
  });
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dispatcher', password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in: ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** One event to a hub, so it builds its indexes before any clock starts. */
async function warm(url: string): Promise<void> {
  await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({
      id: `warm-${url}-${Date.now()}`,
      source: 'camera',
      type: 'stranger',
      at: new Date().toISOString(),
      location: { lon, lat },
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// Windows and results

interface HubFigures {
  screens: number;
  cpuS: number;
  cpuPct: number;
  eventsIn: number;
  /** Alarms this hub's screens received (the screens' receipts × this hub's share of them). */
  delivered: number;
  /** CPU ms per 1,000 alarms delivered to this hub's screens. */
  msPer1kDelivered: number;
  /** Group commits (transactions) this hub made in the window, and their mean time (ms). */
  commits: number;
  commitMs: number;
  /** Batches (frames) this hub sent to its screens (their receipts × its share), and CPU ms per 1,000. */
  frames: number;
  msPer1kFrames: number;
}

interface Result {
  design: Design;
  label: string;
  rate: number;
  clients: number;
  sent: number;
  accepted: number;
  expected: number;
  received: number;
  deliveredPct: number;
  /** Batches the screens received, all together (each one frame). */
  batches: number;
  holes: number;
  doubled: number;
  p50: number;
  p99: number;
  max: number;
  postP50: number;
  postP99: number;
  windowS: number;
  hubs: HubFigures[];
  /** All hubs together: CPU ms per 1,000 delivered alarms, and in % of one core. */
  hubsMsPer1kDelivered: number;
  hubsCpuPct: number;
  /**
   * All hubs' CPU seconds per second the devices posted (the run's CPU ÷ SECONDS): comparable with
   * the ingest-only window's figure, so the difference is what the screens cost on top.
   */
  hubsCorePerPostingS: number;
  pgCpuPct: number;
  pgMsPer1kEvents: number;
  redisCpuPct: number;
  nginxCpuPct: number;
  screensCpuPct: number;
  devicesCpuPct: number;
  /** Entries the adapter added to its Redis stream during the window. */
  streamAdded: number;
  /** Before the run: ingest only (no screen), and idle screens (no event). */
  ingestOnly: {
    rate: number;
    accepted: number;
    hubsCpuS: number;
    hubsMsPer1kEvents: number;
    pgMsPer1kEvents: number;
    hubsCpuPct: number;
    hubsCorePerPostingS: number;
    commits: number;
    commitMs: number;
    pgCpuPct: number;
    postP50: number;
    postP99: number;
  };
  idleScreens: { hubsCpuPct: number; pgCpuPct: number; perHubCpuPct: number[] };
  /** All hubs, no screen and no event, in % of one core. */
  idleHubsCpuPct: number;
  /** Against (a) at the same rate: p99, CPU per 1,000 delivered (all hubs; the busiest hub). */
  ratios?: { p99: number; hubsMsPer1kDelivered: number; perHubMsPer1kDelivered: number; hubsCpuPct: number };
}

const pct = (cpuS: number, wallS: number) => Math.round((1000 * cpuS) / wallS) / 10;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Wait until every hub is quiet (under 10 % of a core over a second), at most 60 s: a hub warms its
 * layers in the background after /readyz, and the screens of the previous rate are still leaving.
 */
async function quiet(d: Deployment): Promise<void> {
  let prev = await snapshot(d);
  for (let i = 0; i < 60; i++) {
    await sleep(1_000);
    const now = await snapshot(d);
    const wall = (now.at - prev.at) / 1000;
    const busiest = Math.max(...now.hubs.map((h, j) => (h.cpuS - prev.hubs[j]!.cpuS) / wall));
    if (busiest < 0.1) return;
    prev = now;
  }
  console.warn(`${d.design}: hubs still busy after 60 s; measuring anyway`);
}

/**
 * After the last event: DRAIN_MS for what is on its way, and longer while alarms still arrive (a
 * loaded machine can be seconds behind): until every alarm is in, or none came for DRAIN_MS, or
 * MAX_DRAIN_MS passed. What is still missing then counts as not delivered.
 */
async function drain(screens: Screens, expected: number): Promise<void> {
  const t0 = performance.now();
  await sleep(DRAIN_MS);
  let last = await screens.count();
  let lastChange = performance.now();
  while (last < expected && performance.now() - lastChange < DRAIN_MS && performance.now() - t0 < MAX_DRAIN_MS) {
    await sleep(500);
    const n = await screens.count();
    if (n > last) lastChange = performance.now();
    last = n;
  }
}

const hubsCpu = (s0: Snapshot, s1: Snapshot) => s1.hubs.reduce((a, h, i) => a + h.cpuS - s0.hubs[i]!.cpuS, 0);

async function runRate(d: Deployment, rate: number, cookie: string, pgCpu: PgCpu): Promise<Result> {
  await quiet(d);
  // 0. Idle: no screen, no event (what a hub spends on its own: timers, unit index refresh, ...).
  let s0 = await snapshot(d);
  await sleep(IDLE_MS);
  let s1 = await snapshot(d);
  const idleHubsCpuPct = pct(hubsCpu(s0, s1), (s1.at - s0.at) / 1000);

  // 1. Ingest only: no screen, so no feed runs and nothing is pushed.
  s0 = await snapshot(d);
  await pgCpu.start();
  const ingest = await publish(d.entry, rate, INGEST_SECONDS);
  await sleep(1_000);
  let pgS = await pgCpu.stop();
  s1 = await snapshot(d);
  let wall = (s1.at - s0.at) / 1000;
  const ingestHubs = hubsCpu(s0, s1);
  // Per event: less what the hubs spend idle over the same window.
  const ingestEvents = Math.max(0, ingestHubs - (idleHubsCpuPct / 100) * wall);
  const ingestOnly = {
    rate,
    accepted: ingest.accepted,
    hubsCpuS: round(ingestHubs, 2),
    hubsMsPer1kEvents: round((1e6 * ingestEvents) / Math.max(1, ingest.accepted)),
    pgMsPer1kEvents: round((1e6 * pgS) / Math.max(1, ingest.accepted)),
    hubsCpuPct: pct(ingestHubs, wall),
    hubsCorePerPostingS: round(ingestHubs / INGEST_SECONDS, 3),
    commits: s1.hubs.reduce((a, h, i) => a + h.commits - s0.hubs[i]!.commits, 0),
    commitMs: round(
      (1000 * s1.hubs.reduce((a, h, i) => a + h.commitS - s0.hubs[i]!.commitS, 0)) /
        Math.max(
          1,
          s1.hubs.reduce((a, h, i) => a + h.commits - s0.hubs[i]!.commits, 0),
        ),
    ),
    pgCpuPct: pct(pgS, wall),
    postP50: ingest.postP50,
    postP99: ingest.postP99,
  };

  // 2. Idle screens.
  const screens = await startScreens(d.entry, cookie);
  await quiet(d);
  s0 = await snapshot(d);
  await pgCpu.start();
  await sleep(IDLE_MS);
  pgS = await pgCpu.stop();
  s1 = await snapshot(d);
  wall = (s1.at - s0.at) / 1000;
  const perHubIdle = s1.hubs.map((h, i) => pct(h.cpuS - s0.hubs[i]!.cpuS, wall));
  const idleScreens = {
    hubsCpuPct: round(perHubIdle.reduce((a, b) => a + b, 0)),
    pgCpuPct: pct(pgS, wall),
    perHubCpuPct: perHubIdle,
  };

  // 3. The run.
  s0 = await snapshot(d);
  await pgCpu.start();
  const devices = await publish(d.entry, rate, SECONDS);
  await drain(screens, devices.accepted * CLIENTS);
  pgS = await pgCpu.stop();
  s1 = await snapshot(d);
  wall = (s1.at - s0.at) / 1000;
  const r = await screens.report();
  if (devices.failedPosts) console.warn(`${d.design} ${rate}/s: ${devices.failedPosts} posts failed`);
  if (devices.accepted < devices.sent)
    console.warn(`${d.design} ${rate}/s: ${devices.sent - devices.accepted} of ${devices.sent} events not accepted`);

  const expected = devices.sent * CLIENTS;
  const l = r.latencies.sort((a, b) => a - b);
  const q = (p: number) => l[Math.min(l.length - 1, Math.floor(p * l.length))] ?? NaN;
  const sockets = s1.hubs.reduce((a, h) => a + h.sockets, 0);
  const hubs: HubFigures[] = s1.hubs.map((h, i) => {
    const cpuS = h.cpuS - s0.hubs[i]!.cpuS;
    const delivered = sockets ? (r.received * h.sockets) / sockets : 0;
    const frames = sockets ? (r.batches * h.sockets) / sockets : 0;
    return {
      screens: h.sockets,
      cpuS: round(cpuS, 2),
      cpuPct: pct(cpuS, wall),
      eventsIn: h.eventsIn - s0.hubs[i]!.eventsIn,
      commits: h.commits - s0.hubs[i]!.commits,
      commitMs: round((1000 * (h.commitS - s0.hubs[i]!.commitS)) / Math.max(1, h.commits - s0.hubs[i]!.commits)),
      delivered: Math.round(delivered),
      msPer1kDelivered: round((1e6 * cpuS) / Math.max(1, delivered), 2),
      frames: Math.round(frames),
      msPer1kFrames: round((1e6 * cpuS) / Math.max(1, frames), 1),
    };
  });
  const hubsCpuS = hubs.reduce((a, h) => a + h.cpuS, 0);
  return {
    design: d.design,
    label: LABELS[d.design],
    rate,
    clients: CLIENTS,
    sent: devices.sent,
    accepted: devices.accepted,
    expected,
    received: r.received,
    deliveredPct: Math.floor((1000 * r.received) / Math.max(1, expected)) / 10,
    batches: r.batches,
    holes: r.holes,
    doubled: r.doubled,
    p50: q(0.5),
    p99: q(0.99),
    max: l[l.length - 1] ?? NaN,
    postP50: devices.postP50,
    postP99: devices.postP99,
    windowS: round(wall, 2),
    hubs,
    hubsMsPer1kDelivered: round((1e6 * hubsCpuS) / Math.max(1, r.received), 2),
    hubsCpuPct: pct(hubsCpuS, wall),
    hubsCorePerPostingS: round(hubsCpuS / SECONDS, 3),
    pgCpuPct: pct(pgS, wall),
    pgMsPer1kEvents: round((1e6 * pgS) / Math.max(1, devices.accepted)),
    redisCpuPct: pct(s1.redisCpuS - s0.redisCpuS, wall),
    nginxCpuPct: pct(s1.nginxCpuS - s0.nginxCpuS, wall),
    screensCpuPct: Math.round((100 * r.cpuMs) / r.wallMs),
    devicesCpuPct: devices.cpuPct,
    streamAdded: Math.max(0, s1.streamLen - s0.streamLen),
    ingestOnly,
    idleScreens,
    idleHubsCpuPct,
  };
}

// ---------------------------------------------------------------------------------------------
// The rev lock

interface LockResult {
  case: string;
  clients: number;
  rowsPerTx: number;
  lock: boolean;
  txPerS: number;
  rowsPerS: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Transactions shaped like a hub's alarm write: insert N rows, each taking the next value of a
 * sequence, then commit; with the rev lock (pg_advisory_xact_lock, held to commit as the
 * repositories hold it) or without. CLIENTS connections loop for SECONDS each.
 */
async function revLock(serverUrl: string): Promise<LockResult[]> {
  const db = await tempPostgresDatabase(serverUrl);
  const setup = new pg.Client({ connectionString: db.url });
  await setup.connect();
  await setup.query(
    'create sequence bench_rev; create table bench_alarms (id text primary key, rev bigint not null, body jsonb not null)',
  );
  await setup.end();
  const out: LockResult[] = [];
  const cases: [string, number, number, boolean][] = [
    ['1 row a tx, rev lock', 8, 1, true],
    ['1 row a tx, no lock', 8, 1, false],
    ['100 rows a tx, rev lock', 8, 100, true],
    ['1,000 rows a tx, rev lock', 8, 1000, true],
  ];
  const seconds = 3;
  let k = 0;
  for (const [name, clients, rows, lock] of cases) {
    const conns = await Promise.all(
      Array.from({ length: clients }, async () => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        return c;
      }),
    );
    const times: number[] = [];
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      conns.map(async (c) => {
        while (performance.now() < end) {
          const body = JSON.stringify(
            Array.from({ length: rows }, () => ({
              id: `a${k++}`,
              body: { rule: 'key-person-stranger', grid: '3601020010010001', priority: 2 },
            })),
          );
          const s = performance.now();
          await c.query('begin');
          if (lock) await c.query('select pg_advisory_xact_lock(1095519821)');
          await c.query(
            "insert into bench_alarms (id, rev, body) select x.id, nextval('bench_rev'), x.body from jsonb_to_recordset($1::jsonb) as x(id text, body jsonb)",
            [body],
          );
          await c.query('commit');
          times.push(performance.now() - s);
        }
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    await Promise.all(conns.map((c) => c.end()));
    times.sort((a, b) => a - b);
    const q = (p: number) => round(times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN, 2);
    out.push({
      case: name,
      clients,
      rowsPerTx: rows,
      lock,
      txPerS: Math.round(times.length / wall),
      rowsPerS: Math.round((times.length * rows) / wall),
      p50Ms: q(0.5),
      p99Ms: q(0.99),
    });
    console.log(
      `rev lock: ${name.padEnd(26)} × ${clients} connections: ${out.at(-1)!.txPerS} commits/s, ${out.at(-1)!.rowsPerS} rows/s, p50/p99 ${out.at(-1)!.p50Ms}/${out.at(-1)!.p99Ms} ms`,
    );
  }
  await db.drop();
  return out;
}

// ---------------------------------------------------------------------------------------------
// What the Redis adapter carries between hubs: unit moves (alarms and incidents go by rev from the
// database, not through Redis), session ends, and the adapter's own heartbeats.

interface AdapterTraffic {
  seconds: number;
  units: number;
  /** Stream entries added per second while the demo units moved (one per room per gateway tick). */
  entriesPerS: number;
  /** Bytes per stream entry (MEMORY USAGE of the stream ÷ its length). */
  bytesPerEntry: number;
  streamLen: number;
  hubCpuPct: number;
  redisCpuPct: number;
}

/**
 * One hub with Redis and the demo city's unit motion on (SIMULATOR=on at 0 events/s: the units
 * drive and walk, every 5 s, and each tick's moves go out as unit:batch to every room of their
 * home regions, through the adapter's stream): entries a second and their size.
 */
async function adapterTraffic(): Promise<AdapterTraffic> {
  const cluster = await startCluster({
    hubs: 1,
    proxy: false,
    redis: true,
    mqtt: false,
    databaseServerUrl: PG_URL,
    env: { METRICS_TOKEN, REDIS_PREFIX, SIMULATOR: 'on', SIMULATOR_RATE: '0' },
  });
  const c = new Redis(cluster.redisUrl!, { maxRetriesPerRequest: 1 });
  c.on('error', () => undefined);
  try {
    const d: Deployment = { design: 'b', cluster, entry: cluster.url };
    const { cookie } = await cluster.signIn();
    const res = await fetch(`${cluster.url}/api/v1/units`, { headers: { cookie } });
    const units = res.ok ? ((await res.json()) as { units: { status: string }[] }).units : [];
    await sleep(6_000); // the motion starts after ready; its first tick comes 5 s later
    const s0 = await snapshot(d);
    const x0 = await c.xlen(REDIS_PREFIX);
    await sleep(UNITS_SECONDS * 1000);
    const x1 = await c.xlen(REDIS_PREFIX);
    const s1 = await snapshot(d);
    const bytes = Number(await c.call('MEMORY', 'USAGE', REDIS_PREFIX, 'SAMPLES', '0'));
    const wall = (s1.at - s0.at) / 1000;
    const r: AdapterTraffic = {
      seconds: round(wall, 1),
      units: units.filter((u) => u.status !== 'offline').length,
      entriesPerS: round((x1 - x0) / wall),
      bytesPerEntry: Math.round(bytes / Math.max(1, x1)),
      streamLen: x1,
      hubCpuPct: pct(hubsCpu(s0, s1), wall),
      redisCpuPct: pct(s1.redisCpuS - s0.redisCpuS, wall),
    };
    console.log(
      `adapter traffic (1 hub, ${r.units} demo units not offline, moved every 5 s): ${r.entriesPerS} stream entries/s, ${r.bytesPerEntry} bytes each; hub ${r.hubCpuPct}%, Redis ${r.redisCpuPct}%`,
    );
    return r;
  } finally {
    c.disconnect();
    await cluster.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Events over MQTT: one event a message (as cameras publish), through the cluster's own Mosquitto
// (persistence on, no queue limit, config/… as bench/cluster.ts writes it) into one hub.

interface MqttIngestResult {
  rate: number;
  sent: number;
  stored: number;
  /** From the last publish until the hub had stored every event (or MQTT_WAIT_MS passed), ms. */
  lagMs: number;
  /** Events stored a second, from the first publish to the end of the wait. */
  storedPerS: number;
  /** Group commits (transactions) the hub made. */
  commits: number;
  hubMsPer1kEvents: number;
  pgMsPer1kEvents: number;
  mosquittoMsPer1kMessages: number;
  hubCpuPct: number;
  pgCpuPct: number;
  mosquittoCpuPct: number;
  devicesCpuPct: number;
}

async function mqttIngest(rate: number): Promise<MqttIngestResult> {
  const cluster = await startCluster({
    hubs: 1,
    proxy: false,
    redis: false,
    mqtt: true,
    databaseServerUrl: PG_URL,
    env: { METRICS_TOKEN },
  });
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const client = await mqtt.connectAsync(cluster.mqttUrl!, { clientId: `bench-devices-${process.pid}`, clean: true });
  try {
    const conf = join(cluster.dir, 'mosquitto', 'mosquitto.conf');
    let mosquittoPid = 0;
    for (const name of await readdir('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
      if (cmd.includes('mosquitto\0') && cmd.includes(conf)) mosquittoPid = Number(name);
    }
    const d: Deployment = { design: 'a', cluster, entry: cluster.url };
    await warm(cluster.url);
    await quiet(d);
    const pgCpu = new PgCpu(admin, new URL(cluster.databaseUrl).pathname.slice(1));
    const s0 = await snapshot(d);
    const m0 = (await procCpu(mosquittoPid)) ?? 0;
    const dev0 = process.cpuUsage();
    await pgCpu.start();
    let sent = 0;
    const t0 = Date.now();
    const acks: Promise<unknown>[] = [];
    for (let tick = 1; ; tick++) {
      const elapsed = Math.min(Date.now() - t0, MQTT_SECONDS * 1000);
      const due = Math.floor((rate * elapsed) / 1000) - sent;
      const at = new Date().toISOString();
      for (let i = 0; i < due; i++) {
        const id = `m-${sent++}-${Date.now()}`;
        acks.push(
          client.publishAsync(
            'events/camera',
            JSON.stringify({ id, source: 'camera', type: 'stranger', at, location: { lon, lat } }),
            { qos: 1 },
          ),
        );
      }
      if (elapsed >= MQTT_SECONDS * 1000) break;
      await sleep(Math.max(0, t0 + tick * 20 - Date.now()));
    }
    const published = Date.now();
    await Promise.all(acks);
    // Stored: the hub's count of events in over MQTT.
    let stored = 0;
    while (Date.now() - published < MQTT_WAIT_MS) {
      stored = (await hubMetrics(cluster.url)).eventsIn - s0.hubs[0]!.eventsIn;
      if (stored >= sent) break;
      await sleep(100);
    }
    const lagMs = Date.now() - published;
    const pgS = await pgCpu.stop();
    const s1 = await snapshot(d);
    const m1 = (await procCpu(mosquittoPid)) ?? 0;
    const dev = process.cpuUsage(dev0);
    const wall = (s1.at - s0.at) / 1000;
    const hubS = hubsCpu(s0, s1);
    const r: MqttIngestResult = {
      rate,
      sent,
      stored,
      lagMs,
      storedPerS: Math.round(stored / ((Date.now() - t0) / 1000)),
      commits: s1.hubs[0]!.commits - s0.hubs[0]!.commits,
      hubMsPer1kEvents: round((1e6 * hubS) / Math.max(1, stored)),
      pgMsPer1kEvents: round((1e6 * pgS) / Math.max(1, stored)),
      mosquittoMsPer1kMessages: round((1e6 * (m1 - m0)) / Math.max(1, sent)),
      hubCpuPct: pct(hubS, wall),
      pgCpuPct: pct(pgS, wall),
      mosquittoCpuPct: pct(m1 - m0, wall),
      devicesCpuPct: pct((dev.user + dev.system) / 1e6, wall),
    };
    console.log(
      `MQTT ingest ${rate}/s for ${MQTT_SECONDS} s (one event a message, QoS 1): stored ${stored}/${sent} (${r.storedPerS}/s, ${r.commits} commits), ${stored >= sent ? 'all' : 'waited'} ${lagMs} ms after the last publish; ` +
        `hub ${r.hubCpuPct}% (${r.hubMsPer1kEvents} ms/1k events), PG ${r.pgCpuPct}% (${r.pgMsPer1kEvents} ms/1k), Mosquitto ${r.mosquittoCpuPct}% (${r.mosquittoMsPer1kMessages} ms/1k messages)`,
    );
    return r;
  } finally {
    await client.endAsync().catch(() => undefined);
    await admin.end();
    await cluster.stop();
  }
}

/** What an event and an alarm take on disk, indexes included (after (a)'s runs: tens of thousands of rows). */
async function rowBytes(
  databaseUrl: string,
): Promise<{ events: number; eventBytes: number; alarms: number; alarmBytes: number }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query('vacuum analyze events, alarms');
    const { rows } = await c.query<{ events: number; ev: string; alarms: number; al: string }>(
      "select (select count(*)::int from events) events, pg_total_relation_size('events') ev, (select count(*)::int from alarms) alarms, pg_total_relation_size('alarms') al",
    );
    const r = rows[0]!;
    const out = {
      events: r.events,
      eventBytes: Math.round(Number(r.ev) / Math.max(1, r.events)),
      alarms: r.alarms,
      alarmBytes: Math.round(Number(r.al) / Math.max(1, r.alarms)),
    };
    console.log(
      `storage: ${out.events} events at ${out.eventBytes} bytes each, ${out.alarms} alarms at ${out.alarmBytes} bytes each (tables, TOAST and indexes)`,
    );
    return out;
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------
// How many events raise an alarm: the bench's load is the worst case (every event one alarm);
// capacity planning needs a real mix. The demo simulator's model of a day in the full demo city
// (server/simulator/model.ts) run through the default rules (server/rules), as the hub would.

interface AlarmMix {
  /**
   * Unit moves through the Redis adapter, for the full demo city: each gateway tick sends one
   * unit:batch per room of every moved unit's home region and its ancestors (regionRooms), and with
   * Redis every such emit is one stream entry. Units not offline; all moved in one tick (the demo
   * motion: every 5 s) or spread over the ticks (phones reporting every 5 s at random moments).
   */
  unitRooms: {
    units: number;
    moving: number;
    roomsOneTick: number;
    entriesPerSOneTick: number;
    entriesPerSSpread: number;
  };
  events: number;
  alarms: number;
  /** Alarms per event over the day, bulk streams only (the fence and one-key streams are fixed per hour, whatever the rate). */
  bulkAlarmsPerEvent: number;
  byRule: Record<string, number>;
}

function alarmMix(): AlarmMix {
  const full = generateDemoCity({ scale: 'full', seed: DEMO_SEED });
  const world = simWorldFromCity(full);
  const at = new Map<string, [number, number]>();
  for (const c of full.cameras) at.set(c.id, c.position);
  for (const sc of full.smartCommunities) for (const g of sc.gates) at.set(g.id, g.position);
  for (const f of full.facilities) at.set(f.id, f.position);
  const facilityKind = new Map(full.facilities.map((f) => [f.id, f.kind]));
  const ruleWorld = { zones: createZoneIndex(full.zones), facilityKind: (id: string) => facilityKind.get(id) };
  const start = Date.parse('2026-11-20T16:00:00Z'); // 00:00 Beijing time: one whole day
  const events = generateEvents(world, { seed: 1, ratePerSec: 2, startMs: start }, start + 86_400_000);
  const byRule: Record<string, number> = {};
  let alarms = 0;
  let bulkEvents = 0;
  let bulkAlarms = 0;
  for (const e of events) {
    const position = e.location ? ([e.location.lon, e.location.lat] as [number, number]) : at.get(e.deviceId ?? '');
    if (!position) continue;
    const drafts = evaluate(
      { type: e.type, at: e.at, position, gridCode: '', deviceId: e.deviceId, severity: e.severity },
      DEFAULT_RULES,
      ruleWorld,
    );
    alarms += drafts.length;
    const fixed = e.source === 'fence' || e.type === 'one_key_alarm';
    if (!fixed) {
      bulkEvents++;
      bulkAlarms += drafts.length;
    }
    for (const d of drafts) byRule[d.ruleId] = (byRule[d.ruleId] ?? 0) + 1;
  }
  // Unit moves: rooms per tick, for a 5 s reporting period and the gateway's 50 ms tick.
  const moving = full.units.filter((u) => u.status !== 'offline');
  const rooms = (units: typeof moving) => new Set(units.flatMap((u) => regionRooms(u.homeRegionCode))).size;
  const ticks = 5_000 / TICK_MS;
  let spread = 0;
  for (let t = 0; t < ticks; t++)
    spread += rooms(moving.filter((_, i) => Math.floor((i * ticks) / moving.length) === t));
  const unitRooms = {
    units: full.units.length,
    moving: moving.length,
    roomsOneTick: rooms(moving),
    entriesPerSOneTick: rooms(moving) / 5,
    entriesPerSSpread: spread / 5,
  };
  console.log(
    `unit moves (full demo city, ${moving.length} of ${full.units.length} units not offline, every 5 s): ${unitRooms.roomsOneTick} rooms → ${unitRooms.entriesPerSOneTick} adapter entries/s when all move in one tick, ${unitRooms.entriesPerSSpread} when spread over the ticks`,
  );
  const r = {
    unitRooms,
    events: events.length,
    alarms,
    bulkAlarmsPerEvent: Math.round((1e5 * bulkAlarms) / Math.max(1, bulkEvents)) / 1e5,
    byRule,
  };
  console.log(
    `alarm mix (a simulated day of the full demo city, default rules): ${r.events} events, ${r.alarms} alarms; bulk streams ${(100 * r.bulkAlarmsPerEvent).toFixed(2)} % of events raise one; by rule ${JSON.stringify(byRule)}`,
  );
  return r;
}

// ---------------------------------------------------------------------------------------------

function line(r: Result): string {
  const perHub = r.hubs
    .map(
      (h) =>
        `${h.screens} screens ${h.commits} commits of ${h.commitMs} ms ${h.cpuPct}% ${h.msPer1kDelivered} ms/1k alarms ${h.msPer1kFrames} ms/1k frames`,
    )
    .join(' | ');
  const ratio = r.ratios
    ? `; vs (a): p99 ×${r.ratios.p99}, hub CPU/1k delivered ×${r.ratios.hubsMsPer1kDelivered} (all hubs) ×${r.ratios.perHubMsPer1kDelivered} (per hub)`
    : '';
  return (
    `(${r.design}) ${String(r.rate).padStart(5)}/s × ${r.clients}: sent ${r.sent}, delivered ${r.deliveredPct}% (${r.received}/${r.expected}), holes ${r.holes}, doubled ${r.doubled}, ` +
    `p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms; hubs [${perHub}] all ${r.hubsCpuPct}% ${r.hubsMsPer1kDelivered} ms/1k, ${r.hubsCorePerPostingS} core-s per s posted; ` +
    `PG ${r.pgCpuPct}%, Redis ${r.redisCpuPct}%, nginx ${r.nginxCpuPct}%, screens ${r.screensCpuPct}%, devices ${r.devicesCpuPct}%; ` +
    `ingest only: hubs ${r.ingestOnly.hubsMsPer1kEvents} ms/1k events, ${r.ingestOnly.hubsCorePerPostingS} core-s per s posted, ${r.ingestOnly.commits} commits of ${r.ingestOnly.commitMs} ms, PG ${r.ingestOnly.pgMsPer1kEvents} ms/1k; idle: hubs ${r.idleHubsCpuPct}%, with screens ${r.idleScreens.hubsCpuPct}%${ratio}`
  );
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const load0 = loadavg();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const results: Result[] = [];
  let lock: LockResult[] = [];
  let adapter: AdapterTraffic | null = null;
  let mqttIn: MqttIngestResult | null = null;
  let storage: Awaited<ReturnType<typeof rowBytes>> | null = null;
  let mix: AlarmMix | null = null;
  try {
    for (const design of DESIGNS) {
      const d = await startDeployment(design);
      try {
        const pgCpu = new PgCpu(admin, new URL(d.cluster.databaseUrl).pathname.slice(1));
        const cookie = await signIn(d.entry);
        for (const h of d.cluster.hubs) await warm(h.url);
        for (const rate of RATES) {
          const r = await runRate(d, rate, cookie, pgCpu);
          const a = results.find((x) => x.design === 'a' && x.rate === rate);
          if (a && design !== 'a') {
            r.ratios = {
              p99: round(r.p99 / a.p99, 2),
              hubsMsPer1kDelivered: round(r.hubsMsPer1kDelivered / a.hubsMsPer1kDelivered, 2),
              perHubMsPer1kDelivered: round(
                Math.max(...r.hubs.map((h) => h.msPer1kDelivered)) / a.hubs[0]!.msPer1kDelivered,
                2,
              ),
              hubsCpuPct: round(r.hubsCpuPct / a.hubsCpuPct, 2),
            };
          }
          results.push(r);
          console.log(line(r));
        }
        if (design === 'a') storage = await rowBytes(d.cluster.databaseUrl);
      } finally {
        await d.cluster.stop();
      }
    }
    if (MIX) mix = alarmMix();
    if (MQTT_RATE > 0) mqttIn = await mqttIngest(MQTT_RATE);
    if (UNITS) adapter = await adapterTraffic();
    if (LOCK) lock = await revLock(PG_URL);
  } finally {
    await admin.end();
  }
  const all100 = results.every((r) => r.deliveredPct >= 100 && r.holes === 0 && r.doubled === 0);
  console.log(
    `\n100 % delivered, no hole, no alarm twice, every design and rate: ${all100 ? 'PASS' : 'FAIL'} (${Math.round((Date.now() - t0) / 1000)} s)`,
  );
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/realtime-cluster-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(
    file,
    JSON.stringify(
      {
        clients: CLIENTS,
        seconds: SECONDS,
        ingestSeconds: INGEST_SECONDS,
        procs: PROCS,
        cores: cpus().length,
        loadAvg: { start: load0, end: loadavg() },
        results,
        storage,
        alarmMix: mix,
        mqttIngest: mqttIn,
        adapterTraffic: adapter,
        revLock: lock,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
