/**
 * A cluster of real processes for the fault tests and the several-hubs bench (issue 13): N hubs
 * (`node --import tsx server/main.ts`, each with its own environment and port), nginx in front of
 * them (config/nginx.conf rendered with the hubs' ports), a Mosquitto and a redis-server of its own
 * on private ports, and PostgreSQL: a fresh database on the machine's server, or a throwaway cluster
 * of its own (initdb/pg_ctl as the `postgres` user) when the test restarts PostgreSQL.
 *
 * Everything lives in one temporary folder (configs, logs, pid files, data) and `stop()` ends every
 * process it started, by pid. Faults are real: `killHub(i, 'SIGKILL')` is kill -9 of that hub's
 * process, `restartRedis()` loses Redis' data (no persistence, as in production-like setups where
 * Redis is a cache), `restartPostgres()` stops the server (immediate: a crash, or fast) and starts it
 * again on the same port.
 *
 * Why its own broker: the machine's Mosquitto keeps 1,000 queued messages per offline client and
 * drops the rest (shared/ENVIRONMENT.md); a hub killed mid-stream must find everything queued when it
 * comes back, so this one runs with `persistence true` and `max_queued_messages 0` (no limit).
 */
import { unfoldRules } from './rules';
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, readFile, rm, chmod, chown } from 'node:fs/promises';
import { openSync, closeSync, existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { signIn, tempPostgresDatabase, type Signed } from '../tests/integration/helpers';

const run = promisify(execFile);

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The device key every hub of the cluster accepts (INGEST_API_KEY) and the demo accounts' password. */
export const CLUSTER_KEY = 'cluster-ingest-key-0123456789';
export const CLUSTER_PASSWORD = 'cluster-pass-2026';
/** Reads every hub's GET /metrics (METRICS_TOKEN). */
export const CLUSTER_METRICS_TOKEN = 'cluster-metrics-token-0123456789';

export interface ClusterOptions {
  /** How many hubs (default 3). */
  hubs?: number;
  /**
   * PostgreSQL: 'shared' (default) a fresh database on the server at `databaseServerUrl`
   * (BENCH_DATABASE_URL, TEST_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/test), dropped on
   * stop; 'own' a throwaway cluster on a private port (needed for restartPostgres()).
   */
  postgres?: 'shared' | 'own';
  databaseServerUrl?: string;
  /** Start nginx in front of the hubs (default true). */
  proxy?: boolean;
  /** Start a Mosquitto of its own and give the hubs MQTT_URL (default true). */
  mqtt?: boolean;
  /** Start a redis-server of its own and give the hubs REDIS_URL (default true). */
  redis?: boolean;
  /** More environment for every hub (overrides the defaults below). */
  env?: Record<string, string>;
  /** Per-hub environment (index → variables). */
  hubEnv?: (i: number) => Record<string, string>;
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
  /** Longest wait for a hub's /readyz (default 120 s: the first hub seeds the demo city). */
  readyTimeoutMs?: number;
}

export interface HubProcess {
  index: number;
  port: number;
  url: string;
  /** The running process (null while stopped or killed). */
  child: ChildProcess | null;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** How many times it was started. */
  starts: number;
  /** Set by killHub and stop: the next exit is wanted. */
  stopping: boolean;
}

/** A hub that ended without being told to (a crash): its exit and the tail of its log. */
export interface HubCrash {
  hub: number;
  at: number;
  exit: string;
  log: string;
}

export interface Cluster {
  dir: string;
  hubs: HubProcess[];
  /** Hubs that ended without killHub or stop (crashes), in order. */
  crashes: HubCrash[];
  /** nginx's address when proxy is on, else hub 0's. */
  url: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  mqttUrl: string | undefined;
  key: string;
  password: string;
  /** Signal one hub (SIGKILL: kill -9); resolves when the process is gone, with when that was seen (ms since the epoch). */
  killHub(i: number, signal?: NodeJS.Signals): Promise<number>;
  /** Start a hub that was killed or stopped, on the same port (its MQTT client id and session are the same). */
  startHub(i: number): Promise<void>;
  /** killHub(i, signal) then startHub(i) after `downMs`. */
  restartHub(i: number, opts?: { signal?: NodeJS.Signals; downMs?: number }): Promise<void>;
  /** Stop Redis (SIGKILL by default; its data is gone: no persistence) and start it again after downMs. */
  restartRedis(opts?: { downMs?: number; signal?: NodeJS.Signals }): Promise<void>;
  /** Stop the cluster's own PostgreSQL (mode immediate = crash, or fast) and start it again after downMs. */
  restartPostgres(opts?: { downMs?: number; mode?: 'immediate' | 'fast' }): Promise<void>;
  /** Resolves when every running hub answers /readyz 200. */
  waitReady(i?: number): Promise<void>;
  /** Sign in through the proxy (or hub i) as a demo account. */
  signIn(username?: string, hub?: number): Promise<Signed>;
  /** A hub's Prometheus metrics (text), or null when it does not answer. */
  metrics(i: number): Promise<string | null>;
  /** The last `lines` lines of a hub's log (for failure messages). */
  hubLog(i: number, lines?: number): Promise<string>;
  /** Stop everything started and remove the folder (keepDir: leave it for a look). */
  stop(opts?: { keepDir?: boolean }): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race with other processes is acceptable here). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** Wait until something accepts TCP connections on the port. */
async function waitPort(port: number, ms: number, what: string): Promise<void> {
  const { connect } = await import('node:net');
  const t0 = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => (s.destroy(), r(false)));
    });
    if (ok) return;
    if (Date.now() - t0 > ms) throw new Error(`${what}: nothing listens on ${port} after ${ms} ms`);
    await sleep(50);
  }
}

/** A child's exit as a promise (resolves at once when it already exited). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** A program by name: on PATH, or in the sbin folders a non-root PATH often lacks (nginx, mosquitto). */
function program(name: string): string {
  for (const d of [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    if (existsSync(join(d, name))) return join(d, name);
  }
  throw new Error(`${name} is not installed (Debian packages: nginx-light, mosquitto, redis-server)`);
}

/** Logs of a child go to a file (appended across restarts). */
function spawnLogged(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string },
): ChildProcess {
  const fd = openSync(opts.logFile, 'a');
  try {
    return spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

/**
 * nginx's config for the cluster, from config/nginx.conf (the documented deployment config): the
 * upstream's servers become the hubs' ports, the listen port the proxy's, and the paths nginx writes
 * (pid, logs, temp files) move into the cluster's folder, so it runs as an ordinary child.
 */
export function renderNginxConf(template: string, o: { listen: number; hubPorts: number[]; dir: string }): string {
  let conf = template
    // A child of the test, not a system service: no user switch, no system paths.
    .replace(/^\s*user\s+[^;]+;\s*$/m, '')
    .replace(/^(\s*)pid\s+[^;]+;/m, `$1pid ${o.dir}/nginx.pid;`)
    .replace(/^(\s*)error_log\s+[^;]+;/m, `$1error_log ${o.dir}/nginx-error.log warn;`)
    .replace(/^(\s*)access_log\s+[^;]+;/m, `$1access_log off;`)
    .replace(/^(\s*)listen\s+[^;]+;/m, `$1listen 127.0.0.1:${o.listen};`)
    .replace(/^\s*include\s+\/etc\/nginx\/[^;]+;\s*$/gm, '');
  // The upstream's server lines: one per hub, keeping the options of the first (max_fails, ...).
  const upstream = /(upstream\s+\w+\s*\{)([\s\S]*?)(\})/m.exec(conf);
  if (!upstream) throw new Error('config/nginx.conf: no upstream block');
  const serverLine = /^(\s*)server\s+\S+?(\s[^;]*)?;/m.exec(upstream[2]!);
  if (!serverLine) throw new Error('config/nginx.conf: no server line in the upstream block');
  const indent = serverLine[1]!.replace(/^\n+/, '');
  const opts = serverLine[2] ?? '';
  const body = upstream[2]!.replace(/^\s*server\s+[^;]+;[^\n]*\n?/gm, '');
  const servers = o.hubPorts.map((p) => `${indent}server 127.0.0.1:${p}${opts};\n`).join('');
  conf = conf.replace(upstream[0], `${upstream[1]}\n${servers}${body}${upstream[3]}`);
  // Temp files in the cluster's folder (nginx's defaults are system paths).
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `    ${t}_temp_path ${o.dir}/nginx-${t};`)
    .join('\n');
  return conf.replace(/http\s*\{/, (m) => `${m}\n${temps}\n`);
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const n = options.hubs ?? 3;
  const log = options.log ?? (() => undefined);
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const dir = await mkdtemp(join(tmpdir(), 'cd-cluster-'));
  // Other users (postgres, mosquitto, nginx's workers) reach their subfolders through it.
  await chmod(dir, 0o755);
  const children = new Set<ChildProcess>();
  const cleanups: (() => Promise<void>)[] = [];
  let stopped = false;

  const track = (child: ChildProcess): ChildProcess => {
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  // If the test process dies, what it started should not live on (PostgreSQL runs detached: pg_ctl).
  const onExit = () => {
    for (const c of children) c.kill('SIGKILL');
    for (const f of exitCleanups) {
      try {
        f();
      } catch {
        // going anyway
      }
    }
  };
  const exitCleanups: (() => void)[] = [];
  const onSignal = (signal: NodeJS.Signals) => {
    log(`cluster: ${signal}: stopping everything`);
    void stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const stop = async (opts: { keepDir?: boolean } = {}) => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Hubs first (they talk to the rest), then the proxy and the services.
    await Promise.all(
      hubs.map(async (h) => {
        if (!h.child) return;
        h.stopping = true;
        h.child.kill('SIGTERM');
        await Promise.race([exited(h.child), sleep(6_000)]);
      }),
    );
    // SIGTERM first: nginx's master takes its workers with it then (a SIGKILLed master leaves
    // them running, holding the port); what is still there after 3 s is killed.
    for (const c of children) c.kill('SIGTERM');
    await Promise.race([Promise.all([...children].map((c) => exited(c))), sleep(3_000)]);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all([...children].map((c) => exited(c)));
    for (const f of cleanups.reverse())
      await f().catch((e: unknown) => log(`cluster: cleanup: ${(e as Error).message}`));
    if (!opts.keepDir) await rm(dir, { recursive: true, force: true });
    else log(`cluster: left ${dir}`);
  };

  const hubs: HubProcess[] = [];
  const crashes: HubCrash[] = [];
  try {
    // --- PostgreSQL
    let databaseUrl: string;
    let pgOwn: { data: string; port: number; sock: string; logFile: string } | null = null;
    if (options.postgres === 'own') {
      pgOwn = await startOwnPostgres(dir, log);
      const own = pgOwn;
      cleanups.push(() => pgCtl(own, ['stop', '-m', 'immediate']).then(() => undefined));
      exitCleanups.push(() =>
        execFileSync('runuser', ['-u', 'postgres', '--', pgBin('pg_ctl'), '-D', own.data, 'stop', '-m', 'immediate'], {
          stdio: 'ignore',
        }),
      );
      databaseUrl = `postgres://postgres@127.0.0.1:${own.port}/postgres`;
    } else {
      const server =
        options.databaseServerUrl ??
        process.env.BENCH_DATABASE_URL ??
        process.env.TEST_DATABASE_URL ??
        'postgres://postgres@127.0.0.1:5432/test';
      const db = await tempPostgresDatabase(server);
      cleanups.push(db.drop);
      databaseUrl = db.url;
    }

    // --- Redis
    let redisUrl: string | undefined;
    let redisPort = 0;
    let redis: ChildProcess | null = null;
    const startRedis = async () => {
      redis = track(
        spawnLogged(
          program('redis-server'),
          [
            '--port',
            String(redisPort),
            '--bind',
            '127.0.0.1',
            '--save',
            '',
            '--appendonly',
            'no',
            '--daemonize',
            'no',
            '--dir',
            dir,
            '--protected-mode',
            'no',
          ],
          { logFile: join(dir, 'redis.log') },
        ),
      );
      await waitPort(redisPort, 10_000, 'redis');
    };
    if (options.redis !== false) {
      redisPort = await freePort();
      await startRedis();
      redisUrl = `redis://127.0.0.1:${redisPort}`;
      log(`cluster: redis on ${redisPort}`);
    }

    // --- Mosquitto
    let mqttUrl: string | undefined;
    if (options.mqtt !== false) {
      const port = await freePort();
      const mdir = join(dir, 'mosquitto');
      await mkdir(mdir);
      await chmod(mdir, 0o777); // mosquitto started as root drops to its own user
      const conf = [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        // Keep every queued message of an offline hub (the stock limit is 1,000, then it drops).
        'persistence true',
        `persistence_location ${mdir}/`,
        'max_queued_messages 0',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        'log_type notice',
      ].join('\n');
      await writeFile(join(mdir, 'mosquitto.conf'), `${conf}\n`);
      track(
        spawnLogged(program('mosquitto'), ['-c', join(mdir, 'mosquitto.conf')], {
          logFile: join(dir, 'mosquitto.log'),
        }),
      );
      await waitPort(port, 10_000, 'mosquitto');
      mqttUrl = `mqtt://127.0.0.1:${port}`;
      log(`cluster: mosquitto on ${port}`);
    }

    // --- Hubs
    const prefix = `cd-cluster-${Math.random().toString(36).slice(2, 8)}`;
    for (let i = 0; i < n; i++) {
      const port = await freePort();
      hubs.push({
        index: i,
        port,
        url: `http://127.0.0.1:${port}`,
        child: null,
        logFile: join(dir, `hub-${i}.log`),
        starts: 0,
        stopping: false,
      });
    }
    const hubEnv = (i: number): NodeJS.ProcessEnv => ({
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(hubs[i]!.port),
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, `hub-${i}-data`),
      DATABASE_URL: databaseUrl,
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: prefix } : { REDIS_URL: '' }),
      ...(mqttUrl ? { MQTT_URL: mqttUrl, MQTT_SHARE_GROUP: prefix } : { MQTT_URL: '' }),
      MQTT_CLIENT_ID: '',
      DEMO_SCALE: 'small',
      DEMO_PASSWORD: CLUSTER_PASSWORD,
      INGEST_API_KEY: CLUSTER_KEY,
      METRICS_TOKEN: CLUSTER_METRICS_TOKEN,
      SIMULATOR: 'off',
      ABSENCE_SWEEP_MS: '0',
      SLA_SWEEP_MS: '0',
      TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      RATE_LIMIT_USER_PER_MIN: '1000000000',
      RATE_LIMIT_ADDRESS_PER_MIN: '1000000000',
      RATE_LIMIT_LOGIN_PER_15MIN: '1000000000',
      ...options.env,
      ...options.hubEnv?.(i),
    });
    const waitReady = async (i: number): Promise<void> => {
      const h = hubs[i]!;
      const t0 = Date.now();
      for (;;) {
        const child = h.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `hub ${i} is not running (exit ${child?.exitCode ?? child?.signalCode ?? 'never started'}):\n${await tail(h.logFile, 30)}`,
          );
        }
        const ok = await fetch(`${h.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return;
        if (Date.now() - t0 > readyTimeoutMs)
          throw new Error(`hub ${i} not ready after ${readyTimeoutMs} ms:\n${await tail(h.logFile, 30)}`);
        await sleep(100);
      }
    };
    const startHub = async (i: number): Promise<void> => {
      const h = hubs[i]!;
      if (h.child && h.child.exitCode === null && h.child.signalCode === null)
        throw new Error(`hub ${i} is already running`);
      h.starts++;
      h.stopping = false;
      const child = track(
        spawnLogged(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: hubEnv(i), logFile: h.logFile }),
      );
      h.child = child;
      child.once('exit', (code, signal) => {
        if (h.stopping || stopped) return;
        const crash: HubCrash = { hub: i, at: Date.now(), exit: signal ?? `code ${code}`, log: '' };
        crashes.push(crash);
        log(`cluster: hub ${i} ended by itself (${crash.exit})`);
        void tail(h.logFile, 30).then((text) => (crash.log = text));
      });
      await waitReady(i);
      log(`cluster: hub ${i} ready on ${h.port} (start ${h.starts})`);
    };
    const killHub = async (i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<number> => {
      const c = hubs[i]!.child;
      if (!c) return Date.now();
      hubs[i]!.stopping = true;
      const t0 = Date.now();
      c.kill(signal);
      await exited(c);
      const gone = Date.now();
      hubs[i]!.child = null;
      // A big process takes a while to be torn down after kill -9 (seconds on a busy machine).
      log(
        `cluster: hub ${i} ${signal === 'SIGKILL' ? 'killed (-9)' : `stopped (${signal})`}, gone after ${gone - t0} ms`,
      );
      return gone;
    };

    // All at once, as a deployment's hubs start: the first to take the startup lock migrates and
    // seeds the demo city, the others wait for it (server/db/connect.ts) and find it there.
    await Promise.all(hubs.map((h) => startHub(h.index)));
    // One alarm per event, as these benches count them (bench/rules.ts); every hub reads the rules
    // again within 5 s (alarm.service.ts RULES_TTL_MS).
    await unfoldRules(hubs[0]!.url, CLUSTER_PASSWORD, ['key-person-stranger']);
    await new Promise((r) => setTimeout(r, 5_500));

    // --- nginx
    let url = hubs[0]!.url;
    if (options.proxy !== false) {
      const port = await freePort();
      const template = await readFile(join(ROOT, 'config/nginx.conf'), 'utf8');
      const ndir = join(dir, 'nginx');
      await mkdir(ndir);
      await chmod(ndir, 0o777);
      const confFile = join(ndir, 'nginx.conf');
      await writeFile(
        confFile,
        renderNginxConf(template, { listen: port, hubPorts: hubs.map((h) => h.port), dir: ndir }),
      );
      await run(program('nginx'), ['-t', '-p', ndir, '-e', join(ndir, 'nginx-error.log'), '-c', confFile]).catch(
        (e: { stderr?: string }) => {
          throw new Error(`nginx -t refused the rendered config: ${e.stderr ?? 'no message'}`);
        },
      );
      track(
        spawnLogged(
          program('nginx'),
          ['-p', ndir, '-e', join(ndir, 'nginx-error.log'), '-c', confFile, '-g', 'daemon off;'],
          { logFile: join(dir, 'nginx.log') },
        ),
      );
      await waitPort(port, 10_000, 'nginx');
      url = `http://127.0.0.1:${port}`;
      log(`cluster: nginx on ${port} → hubs ${hubs.map((h) => h.port).join(', ')}`);
    }

    const cluster: Cluster = {
      dir,
      hubs,
      crashes,
      url,
      databaseUrl,
      redisUrl,
      mqttUrl,
      key: CLUSTER_KEY,
      password: CLUSTER_PASSWORD,
      killHub,
      startHub,
      async restartHub(i, opts = {}) {
        await killHub(i, opts.signal ?? 'SIGKILL');
        await sleep(opts.downMs ?? 0);
        await startHub(i);
      },
      async restartRedis(opts = {}) {
        if (!redis) throw new Error('the cluster has no redis of its own');
        const r: ChildProcess = redis;
        r.kill(opts.signal ?? 'SIGKILL');
        await exited(r);
        log('cluster: redis stopped');
        await sleep(opts.downMs ?? 0);
        await startRedis();
        log('cluster: redis started again (empty)');
      },
      async restartPostgres(opts = {}) {
        if (!pgOwn) throw new Error('restartPostgres needs startCluster({ postgres: "own" })');
        await pgCtl(pgOwn, ['stop', '-m', opts.mode ?? 'immediate']);
        log(`cluster: postgres stopped (${opts.mode ?? 'immediate'})`);
        await sleep(opts.downMs ?? 0);
        await pgCtl(pgOwn, ['start']);
        log('cluster: postgres started again');
      },
      async waitReady(i) {
        if (i !== undefined) return waitReady(i);
        await Promise.all(hubs.filter((h) => h.child).map((h) => waitReady(h.index)));
      },
      signIn(username = 'dispatcher', hub) {
        return signIn(hub === undefined ? url : hubs[hub]!.url, username, CLUSTER_PASSWORD);
      },
      hubLog: (i, lines = 40) => tail(hubs[i]!.logFile, lines),
      async metrics(i) {
        try {
          const r = await fetch(`${hubs[i]!.url}/metrics`, {
            headers: { authorization: `Bearer ${CLUSTER_METRICS_TOKEN}` },
            signal: AbortSignal.timeout(10_000),
          });
          return r.ok ? await r.text() : null;
        } catch {
          return null; // not there (killed, starting) or too slow to answer
        }
      },
      stop,
    };
    return cluster;
  } catch (e) {
    await stop({ keepDir: process.env.CLUSTER_KEEP === '1' });
    throw e;
  }
}

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

/** The machine's PostgreSQL binaries (Debian: /usr/lib/postgresql/<version>/bin), newest first. */
function pgBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error(`no ${name} under ${base}/*/bin`);
  return join(base, versions[0]!, 'bin', name);
}

/** Run as the postgres user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  if (process.getuid?.() === 0) return run('runuser', ['-u', 'postgres', '--', cmd, ...args]);
  return run(cmd, args);
}

function pgCtl(
  o: { data: string; port: number; sock: string; logFile: string },
  args: string[],
): Promise<{ stdout: string; stderr: string }> {
  const opts = `-p ${o.port} -k ${o.sock} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
  return asPostgres(pgBin('pg_ctl'), ['-D', o.data, '-l', o.logFile, '-w', '-t', '60', '-o', opts, ...args]);
}

/**
 * A throwaway PostgreSQL cluster: initdb (trust, user postgres) in the cluster's folder and a
 * server on a private port. fsync is off: a restart of the server (not of the machine) keeps every
 * committed transaction anyway, since the WAL is in the OS's cache, and the test is about the hub.
 */
async function startOwnPostgres(
  dir: string,
  log: (l: string) => void,
): Promise<{ data: string; port: number; sock: string; logFile: string }> {
  const base = join(dir, 'postgres');
  await mkdir(base);
  const data = join(base, 'data');
  const sock = base;
  const logFile = join(base, 'postgres.log');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(base, Number(stdout.trim()), Number(gid.trim()));
  }
  await asPostgres(pgBin('initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  const port = await freePort();
  const o = { data, port, sock, logFile };
  await pgCtl(o, ['start']);
  // Wait until it takes queries.
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let t = 0; ; t++) {
    const c = new pg.Client({ connectionString: url });
    const ok = await c.connect().then(
      () => c.end().then(() => true),
      () => false,
    );
    if (ok) break;
    if (t > 100) throw new Error(`own postgres on ${port} takes no connections`);
    await sleep(100);
  }
  log(`cluster: own postgres on ${port}`);
  return o;
}
