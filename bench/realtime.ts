/**
 * Ingest → received by the screens (issue 5): p50/p99 latency and % delivered, at several event
 * rates with 200 Socket.IO clients, for
 *   (a) hub: the real hub (HTTP ingest, events and alarms persisted, alarms batched per room per tick),
 *   (b) naive: the same hub with one emit per alarm,
 *   (c) ws: raw `ws` broadcast, one send per event, nothing persisted (the ceiling).
 * Every posted event is a camera 'stranger' inside a key person's watch circle: exactly one alarm,
 * pushed to every screen (the worst case: most real events raise nothing).
 * The hub runs in this process; the devices (bench/realtime-publisher.ts) and the screens
 * (bench/realtime-clients.ts, split over BENCH_RT_PROCS processes) run in processes of their own.
 *
 * Settings: BENCH_RT_RATES (default 200,500,1000,2000,5000), BENCH_RT_CLIENTS (200), BENCH_RT_SECONDS (10),
 * BENCH_RT_DESIGNS (hub,naive,ws), BENCH_RT_WS_RATES (1000,5000), BENCH_RT_PROCS (2), BENCH_DATABASE_URL (a
 * PostgreSQL server: hub and naive run on it too), BENCH_RT_DBS (pglite,postgres: which of them).
 * Results: a table, and JSON in bench/results/realtime-<time>.json.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { pino } from 'pino';
import { createApp } from '@server/app';
import type { Config } from '@server/core/config';
import { generateDemoCity } from '@server/demo';
import { tempPostgresDatabase } from '../tests/integration/helpers';
import { unfoldRules } from './rules';

const RATES = (process.env.BENCH_RT_RATES ?? '200,500,1000,2000,5000').split(',').map(Number);
const WS_RATES = (process.env.BENCH_RT_WS_RATES ?? '1000,5000').split(',').map(Number);
const CLIENTS = Number(process.env.BENCH_RT_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_RT_SECONDS ?? 10);
const PROCS = Math.max(1, Number(process.env.BENCH_RT_PROCS ?? 2));
type Design = 'hub' | 'naive' | 'ws';
const DESIGNS = (process.env.BENCH_RT_DESIGNS ?? 'hub,naive,ws').split(',') as Design[];
/** The hub's database: embedded PGlite, and a PostgreSQL server too when BENCH_DATABASE_URL is set (a database made and dropped per run). */
const PG_URL = process.env.BENCH_DATABASE_URL;
const DBS = (process.env.BENCH_RT_DBS ?? (PG_URL ? 'pglite,postgres' : 'pglite')).split(',') as Db[];
type Db = 'pglite' | 'postgres';
const KEY = 'bench-ingest-key-0123456789';
const PASSWORD = 'bench-pass-2026';
const SEED = 20260101;
/** After the last event is sent, how long the screens get to receive what is still on its way. */
const DRAIN_MS = 3_000;

interface Result {
  design: string;
  rate: number;
  clients: number;
  sent: number;
  expected: number;
  received: number;
  deliveredPct: number;
  p50: number;
  p99: number;
  max: number;
  /** Post round trip (devices → hub answered), ms. */
  postP50?: number;
  postP99?: number;
  /** CPU used during the run, in % of one core: the hub's process, and all screen processes together. */
  hubCpuPct?: number;
  screensCpuPct?: number;
  devicesCpuPct?: number;
  /** The hub's event-loop delay, p99 (ms): how long the loop was held up (by PGlite, which runs on it). */
  hubLoopP99?: number;
}

const city = generateDemoCity({ scale: 'small', seed: SEED });
const kp = city.zones.find((z) => z.kind === 'key_person' && z.shape.type === 'circle')!;
const [lon, lat] = (kp.shape as { center: [number, number] }).center;

/** Lines a child writes on stdout, as they complete (a big report arrives in many chunks). */
function lines(child: ChildProcessWithoutNullStreams, onLine: (line: string) => void): void {
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

/** What the screens report: alarms received, sampled latencies (ms), the CPU their processes used. */
interface ScreenReport {
  received: number;
  latencies: number[];
  cpuMs: number;
  wallMs: number;
}

interface Screens {
  report(): Promise<ScreenReport>;
}

/** Start the screens, CLIENTS of them over PROCS processes; resolves once all are connected. */
async function startScreens(mode: 'io' | 'ws', url: string, cookie: string): Promise<Screens> {
  const children = await Promise.all(
    Array.from({ length: PROCS }, (_, p) => {
      const n = Math.floor(CLIENTS / PROCS) + (p < CLIENTS % PROCS ? 1 : 0);
      const child = spawn(process.execPath, [
        '--import',
        'tsx',
        'bench/realtime-clients.ts',
        mode,
        url,
        String(n),
        cookie,
      ]);
      child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
      const reports: ((r: ScreenReport) => void)[] = [];
      return new Promise<{ child: typeof child; reports: typeof reports }>((resolve, reject) => {
        lines(child, (line) => {
          if (line === 'ready') resolve({ child, reports });
          else if (line.startsWith('{')) reports.shift()?.(JSON.parse(line) as ScreenReport);
        });
        child.once('exit', (c) => reject(new Error(`screens exited ${c}`)));
      });
    }),
  );
  return {
    async report() {
      const parts = await Promise.all(
        children.map(
          ({ child, reports }) =>
            new Promise<ScreenReport>((resolve) => {
              reports.push(resolve);
              child.stdin.write('report\n');
            }),
        ),
      );
      return {
        received: parts.reduce((a, p) => a + p.received, 0),
        latencies: parts.flatMap((p) => p.latencies),
        cpuMs: parts.reduce((a, p) => a + p.cpuMs, 0),
        wallMs: Math.max(...parts.map((p) => p.wallMs)),
      };
    },
  };
}

interface Devices {
  sent: number;
  accepted: number;
  failedPosts: number;
  posts: number;
  postP50: number;
  postP99: number;
  cpuPct: number;
}

/** Run the devices for SECONDS at `rate` against the hub at `url`. */
function publish(url: string, rate: number): Promise<Devices> {
  const child = spawn(process.execPath, [
    '--import',
    'tsx',
    'bench/realtime-publisher.ts',
    url,
    KEY,
    String(rate),
    String(SECONDS),
    String(lon),
    String(lat),
  ]);
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  return new Promise((resolve, reject) => {
    lines(child, (line) => line.startsWith('{') && resolve(JSON.parse(line) as Devices));
    child.once('exit', (c) => c !== 0 && reject(new Error(`publisher exited ${c}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runHub(design: 'hub' | 'naive', rate: number, db: Db): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-rt-'));
  const server = db === 'postgres' ? await tempPostgresDatabase(PG_URL!) : null;
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    databaseUrl: server?.url,
    demoScale: 'small',
    demoSeed: SEED,
    logLevel: 'silent',
    staticDir: './dist',
    auth: {
      demoPassword: PASSWORD,
      ingestApiKey: KEY,
      rateLimits: { userPerMin: 1e9, addressPerMin: 1e9, loginPer15Min: 1e9 },
    },
    realtimeTickMs: design === 'naive' ? 0 : 50,
  };
  const hub = createApp(config, { logger: pino({ level: 'silent' }) });
  const { port } = await hub.listen();
  await hub.ready;
  const url = `http://127.0.0.1:${port}`;
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dispatcher', password: PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  // One alarm per event, as this bench follows each to the screens (bench/rules.ts).
  await unfoldRules(url, PASSWORD, ['key-person-stranger']);
  // Build the hub's indexes before the clock starts.
  await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({
      id: `warm-${Date.now()}`,
      source: 'camera',
      type: 'stranger',
      at: new Date().toISOString(),
      location: { lon, lat },
    }),
  });
  const screens = await startScreens('io', url, cookie);
  await sleep(500);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const devices = await publish(url, rate);
  await sleep(DRAIN_MS);
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  const hubCpuPct = Math.round((100 * (cpu.user + cpu.system)) / 1000 / (performance.now() - t0));
  const r = await screens.report();
  if (devices.failedPosts) console.warn(`${design} ${rate}/s: ${devices.failedPosts} posts failed (connection reset)`);
  await hub.close();
  await rm(dir, { recursive: true, force: true });
  await server?.drop();
  return {
    ...result(`${design}${db === 'postgres' ? '/pg' : ''}`, rate, devices.sent, devices.accepted, r),
    postP50: devices.postP50,
    postP99: devices.postP99,
    hubCpuPct,
    devicesCpuPct: devices.cpuPct,
    hubLoopP99: Math.round(loop.percentile(99) / 1e6),
  };
}

async function runWs(rate: number): Promise<Result> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const { port } = wss.address() as AddressInfo;
  const screens = await startScreens('ws', `ws://127.0.0.1:${port}`, '');
  await sleep(500);
  // The ceiling has no devices and no ingest: the server itself makes `rate` events a second.
  let sent = 0;
  let k = 0;
  const t0 = Date.now();
  for (let tick = 1; ; tick++) {
    const now = Date.now();
    const elapsed = Math.min(now - t0, SECONDS * 1000);
    const due = Math.floor((rate * elapsed) / 1000) - sent;
    for (let i = 0; i < due; i++) {
      const id = `b-${k++}-${now}`;
      for (const c of wss.clients) c.send(id);
    }
    sent += Math.max(0, due);
    if (elapsed >= SECONDS * 1000) break;
    await sleep(Math.max(0, t0 + tick * 20 - Date.now()));
  }
  await sleep(DRAIN_MS);
  const r = await screens.report();
  wss.close();
  return result('ws', rate, sent, sent, r);
}

/**
 * Delivered: what the screens received of everything the devices sent, each event to each screen
 * (an event the hub did not accept counts as not delivered, and is reported).
 */
function result(design: string, rate: number, sent: number, accepted: number, r: ScreenReport): Result {
  const expected = sent * CLIENTS;
  const l = r.latencies.sort((a, b) => a - b);
  const q = (p: number) => l[Math.min(l.length - 1, Math.floor(p * l.length))] ?? NaN;
  if (accepted < sent)
    console.warn(`${design} ${rate}/s: ${sent - accepted} of ${sent} events were not accepted by the hub`);
  const screensCpuPct = Math.round((100 * r.cpuMs) / r.wallMs);
  return {
    design,
    rate,
    clients: CLIENTS,
    sent,
    expected,
    received: r.received,
    deliveredPct: Math.floor((1000 * r.received) / Math.max(1, expected)) / 10,
    p50: q(0.5),
    p99: q(0.99),
    max: l[l.length - 1] ?? NaN,
    screensCpuPct,
  };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const rate of RATES) {
    const runs: [Design, Db][] = DESIGNS.flatMap((d): [Design, Db][] =>
      d === 'ws' ? [[d, 'pglite']] : DBS.map((b): [Design, Db] => [d, b]),
    );
    for (const [design, db] of runs) {
      if (design === 'ws' && !WS_RATES.includes(rate)) continue;
      const r = design === 'ws' ? await runWs(rate) : await runHub(design, rate, db);
      results.push(r);
      const extra =
        r.postP50 !== undefined
          ? `; posts p50/p99 ${r.postP50}/${r.postP99} ms; CPU hub ${r.hubCpuPct}%, screens ${r.screensCpuPct}%, devices ${r.devicesCpuPct}%; hub loop delay p99 ${r.hubLoopP99} ms`
          : `; CPU screens ${r.screensCpuPct}%`;
      console.log(
        `${r.design.padEnd(9)} ${String(rate).padStart(5)}/s × ${CLIENTS}: delivered ${r.deliveredPct}% (${r.received}/${r.expected}), p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms${extra}`,
      );
    }
  }
  const ok = (r: Result | undefined) => !!r && r.deliveredPct >= 100 && r.p99 < 150;
  for (const suffix of DBS.map((d) => (d === 'postgres' ? '/pg' : ''))) {
    const hub5k = results.find((r) => r.design === `hub${suffix}` && r.rate === 5000);
    const naiveMax = Math.max(0, ...results.filter((r) => r.design === `naive${suffix}` && ok(r)).map((r) => r.rate));
    const hubMax = Math.max(0, ...results.filter((r) => r.design === `hub${suffix}` && ok(r)).map((r) => r.rate));
    console.log(
      `\ngoals (${suffix ? 'PostgreSQL server' : 'PGlite'}): hub 5000/s × ${CLIENTS} delivers 100 % with p99 < 150 ms: ${ok(hub5k) ? 'PASS' : 'FAIL'}; ` +
        `highest rate tried that each sustains (100 %, p99 < 150 ms): hub ${hubMax}/s, naive ${naiveMax}/s → ${naiveMax ? `${(hubMax / naiveMax).toFixed(1)}×` : 'naive sustained none of the rates tried'}`,
    );
  }
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/realtime-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, JSON.stringify({ clients: CLIENTS, seconds: SECONDS, procs: PROCS, results }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
