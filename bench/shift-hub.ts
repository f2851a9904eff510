/**
 * The hubs of the shift bench (bench/shift.ts): one child process per checkout, started as
 * `npm start` starts it, each on its own port and data dir, and what the bench reads from them
 * through the public API (the same for any commit): the alarms, followed by rev from the start,
 * and the incidents at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { AlarmRecord, IncidentRecord } from './shift-summary';

/** The demo accounts' password of the bench's own hubs (temporary databases). */
export const DEMO_PASSWORD = 'bench-shift-pass-2026';
/** The city-wide dispatcher: the desk a dispatcher on shift has open. */
export const DESK_USER = 'dispatcher';
const SEED = 20260101;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface Hub {
  proc: ChildProcess;
  base: string;
  exited: Promise<number | null>;
  /** Log lines at error level or worse (the hub's scrubbed JSON logs), the last 20 kept. */
  errors: string[];
  errorCount: number;
  /** The last lines of stderr, for a hub that does not come up. */
  stderr: string[];
}

/**
 * A hub of the checkout at `root` with its default settings (simulator on, every sweep on), only
 * what the bench needs set: address, data and built client, scale, demo password, quiet logs.
 */
export async function startHub(
  root: string,
  o: { dataDir: string; staticDir: string; scale: string; extraEnv: Record<string, string> },
): Promise<Hub> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: o.dataDir,
      STATIC_DIR: o.staticDir,
      DEMO_SCALE: o.scale,
      DEMO_SEED: String(SEED),
      DEMO_PASSWORD,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...o.extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const hub: Hub = {
    proc,
    base: `http://127.0.0.1:${port}`,
    exited: new Promise((r) => proc.on('exit', (c) => r(c))),
    errors: [],
    errorCount: 0,
    stderr: [],
  };
  lines(proc.stdout, (line) => {
    if (!line.startsWith('{')) return;
    try {
      const l = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((l.level ?? 0) < 50) return;
      hub.errorCount++;
      hub.errors.push(`${l.msg ?? ''}${l.err?.message ? `: ${l.err.message}` : ''}`.slice(0, 300));
      if (hub.errors.length > 20) hub.errors.shift();
    } catch {
      /* not a log line */
    }
  });
  lines(proc.stderr, (line) => {
    hub.stderr.push(line.slice(0, 300));
    if (hub.stderr.length > 30) hub.stderr.shift();
  });
  return hub;
}

function lines(stream: NodeJS.ReadableStream, f: (line: string) => void): void {
  let buf = '';
  stream.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      f(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

/** Until /readyz answers 200 (migrated, seeded, jobs started), or throws after `timeoutMs`. */
export async function waitReady(hub: Hub, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  let dead = false;
  void hub.exited.then(() => (dead = true));
  while (performance.now() < until && !dead) {
    if ((await get(`${hub.base}/readyz`)) === 200) return;
    await sleep(500);
  }
  throw new Error(
    `${hub.base}: not ready within ${timeoutMs / 1000} s${dead ? ' (it exited)' : ''}; stderr: ${hub.stderr.slice(-5).join(' | ')}`,
  );
}

function get(url: string): Promise<number | null> {
  return new Promise((res) => {
    const req = request(url, { agent: false, timeout: 30_000 }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode ?? null));
    });
    req.on('error', () => res(null));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function stopHub(hub: Hub): Promise<void> {
  if (hub.proc.exitCode !== null) return;
  hub.proc.kill('SIGTERM');
  const done = await Promise.race([hub.exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!done) hub.proc.kill('SIGKILL');
}

/** The desk user's (or `username`'s) session cookie value (the desk's page and the bench's reads share it). */
export async function signIn(base: string, cookieName: string, username = DESK_USER): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`${base}: sign-in HTTP ${res.status} ${await res.text()}`);
  const value = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith(`${cookieName}=`))
    ?.slice(cookieName.length + 1);
  if (!value) throw new Error(`${base}: no session cookie in the sign-in answer`);
  return value;
}

async function getJson<T>(url: string, cookie: string): Promise<T> {
  const res = await fetch(url, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as T;
}

/**
 * Every alarm the desk user can see, kept current by asking `GET /alarms?since=<rev>` (the
 * socket's catch-up, over HTTP) every sample: the first answer is the snapshot of the open
 * alarms, then every change, so each alarm raised during the run is seen with its last state.
 */
export class AlarmTally {
  readonly alarms = new Map<string, AlarmRecord>();
  private rev: number | null = null;
  /** Answers that were snapshots after the first (the bench fell too far behind: counts may miss alarms). */
  lateSnapshots = 0;

  constructor(
    private readonly base: string,
    private readonly cookie: string,
  ) {}

  async poll(): Promise<void> {
    for (let page = 0; page < 1000; page++) {
      const q = this.rev === null ? '' : `?since=${this.rev}`;
      const r = await getJson<{ mode: string; rev: number; more?: boolean; alarms: AlarmRecord[] }>(
        `${this.base}/api/v1/alarms${q}`,
        this.cookie,
      );
      if (r.mode === 'snapshot' && this.rev !== null) this.lateSnapshots++;
      for (const a of r.alarms) {
        this.alarms.set(a.id, {
          id: a.id,
          priority: a.priority,
          status: a.status,
          createdAt: a.createdAt,
          ...(typeof a.count === 'number' ? { count: a.count } : {}),
        });
      }
      this.rev = r.rev;
      if (!r.more) return;
    }
  }
}

/** Every incident (open and closed) at the end, through the desk's list, 500 a page. */
export async function allIncidents(base: string, cookie: string): Promise<IncidentRecord[]> {
  const out: IncidentRecord[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const q = `status=all&sort=newest&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r: { incidents: IncidentRecord[]; nextCursor: string | null } = await getJson(
      `${base}/api/v1/incidents?${q}`,
      cookie,
    );
    for (const i of r.incidents)
      out.push({ id: i.id, status: i.status, createdAt: i.createdAt, sla: i.sla, breaches: i.breaches });
    cursor = r.nextCursor;
    if (!cursor) break;
  }
  return out;
}

/** CPU seconds (user + system) and resident memory of a process, from /proc (Linux). */
export async function processUsage(pid: number | undefined): Promise<{ cpuS: number; rssMb: number } | null> {
  if (pid === undefined) return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") ": utime is 14th, stime 15th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return { cpuS: ticks / 100, rssMb: Math.round(rssKb / 1024) };
  } catch {
    return null;
  }
}
