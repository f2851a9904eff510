/**
 * Start-up without a stalled event loop (issue 13). Starts the hub as a child process the way
 * `npm start` does (`tsx server/main.ts`), polls /healthz and /readyz every 20 ms (one request in
 * flight per probe, so a stalled loop shows as one long answer) and reports, for a first start
 * (the demo city generated and inserted) and a restart of the seeded database after `kill -9`:
 *   - first /healthz: spawn → the first answer (module loading, then listen);
 *   - /healthz max, /readyz max: the slowest answer from the first one to the end of the window;
 *   - ready: spawn → the first /readyz 200 (as the poller sees it: a stalled hub answers late);
 *   - first event: one event posted at ready (a camera inside a key person's circle: it is located
 *     and raises an alarm, so the ingest grid index and the alarm zone index get built), answered
 *     when stored (event ms: from ready as seen; event s: from spawn, what the first message of a
 *     broker's backlog waits after a restart);
 *   - loop max / p99: the hub's event-loop delay from its first answer to the end of the window, by
 *     monitorEventLoopDelay inside the hub (bench/startup-probe.ts, loaded with --import, so a
 *     baseline commit is measured the same way).
 * The window ends BENCH_STARTUP_SETTLE_MS after ready (layer warm-up and the summary run then), and
 * not before the first event was answered.
 *
 * Settings: BENCH_STARTUP_PROF (a folder for the hubs' --cpu-prof; the first start then ends with SIGTERM), BENCH_STARTUP_SCALES (small,full), BENCH_DATABASE_URL (also PostgreSQL: a database made
 * and dropped per run), BENCH_STARTUP_DBS (pglite[,postgres]), BENCH_STARTUP_SETTLE_MS (10000),
 * BENCH_STARTUP_BASE (a checkout of another commit with node_modules, e.g.
 * `git worktree add --detach /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/`: it is
 * started the same way, alternating with this one, and the table gives base ÷ this ratios).
 * Results: a table, and JSON in bench/results/startup-<time>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoCity } from '@server/demo';
import { tempPostgresDatabase } from '../tests/integration/helpers';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PROBE = join(ROOT, 'bench', 'startup-probe.ts');
const SCALES = (process.env.BENCH_STARTUP_SCALES ?? 'small,full').split(',') as ('small' | 'full')[];
const PG_URL = process.env.BENCH_DATABASE_URL;
type DbKind = 'pglite' | 'postgres';
const DBS = (process.env.BENCH_STARTUP_DBS ?? (PG_URL ? 'pglite,postgres' : 'pglite')).split(',') as DbKind[];
const SETTLE_MS = Number(process.env.BENCH_STARTUP_SETTLE_MS ?? 10_000);
const BASE = process.env.BENCH_STARTUP_BASE ? resolve(process.env.BENCH_STARTUP_BASE) : undefined;
/** A folder: the hubs run with --cpu-prof into it (and the first start ends with SIGTERM, so its profile is written). */
const PROF_DIR = process.env.BENCH_STARTUP_PROF ? resolve(process.env.BENCH_STARTUP_PROF) : undefined;
const POLL_MS = 20;
const SEED = 20260101;
const KEY = 'bench-startup-key-0123456789';
const PASSWORD = 'bench-pass-2026';
/** A hub that has not answered within this long is reported as failed. */
const GIVE_UP_MS = 300_000;

interface Run {
  variant: 'base' | 'this';
  db: DbKind;
  scale: 'small' | 'full';
  start: 'first' | 'restart';
  firstHealthzS: number;
  healthzMaxMs: number;
  healthzP99Ms: number;
  readyzMaxMs: number;
  readyS: number;
  firstEventMs: number | null;
  /** Spawn → that event stored: what the first message of a backlog waits after a restart. */
  eventS: number | null;
  loopMaxMs: number | null;
  loopP99Ms: number | null;
  /** The /readyz `checks` seen before ready, in order (what the hub said it was doing). */
  phases: string[];
  /** The hub's own log lines about start-up work (name → ms), when it logs them. */
  hubLog: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** One request on a new connection: status and body, or null when nothing listens yet. */
function call(
  port: number,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string } | null> {
  return new Promise((res) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        headers: init.headers,
        agent: false,
        timeout: GIVE_UP_MS,
      },
      (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => (body += d));
        r.on('end', () => res({ status: r.statusCode ?? 0, body }));
        r.on('error', () => res(null));
      },
    );
    req.on('error', () => res(null));
    req.on('timeout', () => req.destroy());
    req.end(init.body);
  });
}

interface Child {
  proc: ChildProcess;
  t0: number;
  /** Parsed JSON log lines of the hub (stdout). */
  logs: Record<string, unknown>[];
  nextLoopLine(): Promise<{ maxMs: number; p99Ms: number } | null>;
  exited: Promise<number | null>;
}

function startHub(root: string, env: Record<string, string>): Child {
  const t0 = performance.now();
  const prof = PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', '--import', PROBE, 'server/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SIMULATOR: 'off',
      DEMO_SEED: String(SEED),
      DEMO_PASSWORD: PASSWORD,
      INGEST_API_KEY: KEY,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiting: ((v: { maxMs: number; p99Ms: number }) => void)[] = [];
  const queued: { maxMs: number; p99Ms: number }[] = [];
  const onLines = (stream: NodeJS.ReadableStream, f: (line: string) => void) => {
    let buf = '';
    stream.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        f(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  };
  onLines(proc.stdout, (line) => {
    if (line.startsWith('{')) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* not a log line */
      }
    }
  });
  onLines(proc.stderr, (line) => {
    if (line.startsWith('@@loop ')) {
      const v = JSON.parse(line.slice(7)) as { maxMs: number; p99Ms: number };
      const w = waiting.shift();
      if (w) w(v);
      else queued.push(v);
    } else if (line.trim()) process.stderr.write(`  hub: ${line}\n`);
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
  return {
    proc,
    t0,
    logs,
    exited,
    nextLoopLine() {
      const q = queued.shift();
      if (q) return Promise.resolve(q);
      return Promise.race([
        new Promise<{ maxMs: number; p99Ms: number }>((r) => waiting.push(r)),
        sleep(30_000).then(() => null),
      ]);
    },
  };
}

/** Poll a path every POLL_MS (one request in flight) until `stop()`; each answer goes to `seen`. */
async function poll(
  port: number,
  path: string,
  stop: () => boolean,
  seen: (status: number, body: string, ms: number, at: number) => void,
): Promise<void> {
  while (!stop()) {
    const t = performance.now();
    const r = await call(port, path);
    const ms = performance.now() - t;
    if (r) seen(r.status, r.body, ms, performance.now());
    await sleep(Math.max(1, POLL_MS - ms));
  }
}

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
}

async function measure(
  variant: Run['variant'],
  root: string,
  db: DbKind,
  scale: Run['scale'],
  start: Run['start'],
  env: Record<string, string>,
  event: { lon: number; lat: number },
): Promise<{ run: Run; child: Child }> {
  const port = await freePort();
  const child = startHub(root, { ...env, PORT: String(port), DEMO_SCALE: scale });
  let firstHealthz: number | undefined;
  let ready: number | undefined;
  let windowEnd = Infinity;
  let dead = false;
  void child.exited.then(() => (dead = true));
  const healthz: number[] = [];
  const readyz: number[] = [];
  const phases: string[] = [];
  let loopReset: Promise<unknown> | undefined;
  let firstEventMs: number | null = null;
  let eventAt: number | null = null;
  let eventAnswered = false;
  // The window closes SETTLE_MS after ready, and not before the event at ready was answered.
  const stop = () =>
    dead || (performance.now() > windowEnd && eventAnswered) || performance.now() - child.t0 > GIVE_UP_MS;
  const pollers = Promise.all([
    poll(port, '/healthz', stop, (status, _body, ms, at) => {
      if (status !== 200) return;
      if (firstHealthz === undefined) {
        firstHealthz = at - ms;
        // What came before was module loading, with no port open: the window starts here.
        child.proc.kill('SIGUSR2');
        loopReset = child.nextLoopLine();
      }
      healthz.push(ms);
    }),
    poll(port, '/readyz', stop, (status, body, ms, at) => {
      readyz.push(ms);
      if (status === 200 && ready === undefined) {
        ready = at;
        windowEnd = at + SETTLE_MS;
        // One event at ready, as a device (or the broker's backlog) would send it.
        const t = performance.now();
        void call(port, '/api/v1/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify({
            source: 'camera',
            id: `startup-${Date.now()}`,
            type: 'stranger',
            at: new Date().toISOString(),
            location: event,
          }),
        }).then((r) => {
          eventAnswered = true;
          if (r?.status === 200 || r?.status === 202) {
            firstEventMs = performance.now() - t;
            eventAt = performance.now();
          } else process.stderr.write(`  the event at ready was answered ${r?.status} ${r?.body.slice(0, 200)}\n`);
        });
      } else if (status !== 200) {
        try {
          const checks = JSON.stringify((JSON.parse(body) as { checks?: unknown }).checks);
          if (phases[phases.length - 1] !== checks) phases.push(checks);
        } catch {
          /* not JSON */
        }
      }
    }),
  ]);
  await pollers;
  if (ready === undefined || firstHealthz === undefined) {
    child.proc.kill('SIGKILL');
    throw new Error(
      `${variant} ${db} ${scale} ${start}: the hub was not ready within ${GIVE_UP_MS / 1000} s${dead ? ' (it exited)' : ''}`,
    );
  }
  await loopReset;
  child.proc.kill('SIGUSR2');
  const loop = await child.nextLoopLine();
  const hubLog: Record<string, number> = {};
  for (const l of child.logs) {
    const msg = typeof l.msg === 'string' ? l.msg : '';
    for (const k of ['ms', 'totalMs', 'generatedMs', 'readyMs', 'insertMs']) {
      if (typeof l[k] === 'number') hubLog[`${msg} (${k})`] = l[k];
    }
  }
  return {
    child,
    run: {
      variant,
      db,
      scale,
      start,
      firstHealthzS: r2((firstHealthz - child.t0) / 1000),
      healthzMaxMs: r1(Math.max(...healthz)),
      healthzP99Ms: r1(p99(healthz)),
      readyzMaxMs: r1(Math.max(...readyz)),
      readyS: r2((ready - child.t0) / 1000),
      firstEventMs: firstEventMs === null ? null : r1(firstEventMs),
      eventS: eventAt === null ? null : r2((eventAt - child.t0) / 1000),
      loopMaxMs: loop?.maxMs ?? null,
      loopP99Ms: loop?.p99Ms ?? null,
      phases,
      hubLog,
    },
  };
}

function print(r: Run): void {
  const c = (v: number | null, w: number) => String(v ?? '—').padStart(w);
  console.log(
    `${r.db.padEnd(9)}${r.scale.padEnd(6)}${r.variant.padEnd(6)}${r.start.padEnd(8)}${c(r.firstHealthzS, 9)}${c(r.healthzMaxMs, 11)}${c(r.healthzP99Ms, 9)}${c(r.readyzMaxMs, 10)}${c(r.readyS, 8)}${c(r.firstEventMs, 9)}${c(r.eventS, 8)}${c(r.loopMaxMs, 9)}${c(r.loopP99Ms, 9)}`,
  );
}

async function main(): Promise<void> {
  const variants: [Run['variant'], string][] = BASE
    ? [
        ['base', BASE],
        ['this', ROOT],
      ]
    : [['this', ROOT]];
  const runs: Run[] = [];
  console.log(
    `start-up: scales ${SCALES.join(',')}, databases ${DBS.join(',')}, window ready + ${SETTLE_MS} ms${BASE ? `, baseline ${BASE}` : ''}\n`,
  );
  console.log(
    `${'db'.padEnd(9)}${'scale'.padEnd(6)}${'hub'.padEnd(6)}${'start'.padEnd(8)}${'health s'.padStart(9)}${'health max'.padStart(11)}${'h p99'.padStart(9)}${'ready max'.padStart(10)}${'ready s'.padStart(8)}${'event ms'.padStart(9)}${'event s'.padStart(8)}${'loop max'.padStart(9)}${'loop p99'.padStart(9)}`,
  );
  for (const db of DBS) {
    if (db === 'postgres' && !PG_URL) throw new Error('postgres needs BENCH_DATABASE_URL');
    for (const scale of SCALES) {
      const city = generateDemoCity({ scale, seed: SEED });
      const kp = city.zones.find((z) => z.kind === 'key_person' && z.shape.type === 'circle')!;
      const [lon, lat] = (kp.shape as { center: [number, number] }).center;
      for (const [variant, root] of variants) {
        const dir = await mkdtemp(join(tmpdir(), 'cd-bench-startup-'));
        const pg = db === 'postgres' ? await tempPostgresDatabase(PG_URL!) : undefined;
        const env: Record<string, string> = pg ? { DATABASE_URL: pg.url, DATA_DIR: dir } : { DATA_DIR: dir };
        try {
          const first = await measure(variant, root, db, scale, 'first', env, { lon, lat });
          runs.push(first.run);
          print(first.run);
          // The crash case: no shutdown, whatever was in flight is cut.
          first.child.proc.kill(PROF_DIR ? 'SIGTERM' : 'SIGKILL');
          await first.child.exited;
          const again = await measure(variant, root, db, scale, 'restart', env, { lon, lat });
          runs.push(again.run);
          print(again.run);
          again.child.proc.kill('SIGTERM');
          await Promise.race([again.child.exited, sleep(10_000)]);
          again.child.proc.kill('SIGKILL');
        } finally {
          await pg?.drop().catch(() => undefined);
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
  }
  if (BASE) {
    console.log('\nratios base ÷ this (higher: this is better)');
    for (const r of runs.filter((x) => x.variant === 'this')) {
      const b = runs.find((x) => x.variant === 'base' && x.db === r.db && x.scale === r.scale && x.start === r.start);
      if (!b) continue;
      const q = (a: number | null, c: number | null) => (a && c ? String(r1(a / c)).padStart(8) : '       —');
      console.log(
        `${r.db.padEnd(9)}${r.scale.padEnd(6)}${r.start.padEnd(8)} /healthz max ${q(b.healthzMaxMs, r.healthzMaxMs)}  /readyz max ${q(b.readyzMaxMs, r.readyzMaxMs)}  ready ${q(b.readyS, r.readyS)}  first event stored ${q(b.eventS, r.eventS)}  loop max ${q(b.loopMaxMs, r.loopMaxMs)}`,
      );
    }
  }
  const outDir = join(ROOT, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `startup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(
    file,
    JSON.stringify({ settings: { scales: SCALES, dbs: DBS, settleMs: SETTLE_MS, base: BASE ?? null }, runs }, null, 2),
  );
  console.log(`\n${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
