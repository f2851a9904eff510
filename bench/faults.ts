/**
 * Faults with three hubs (issue 13), with real processes (bench/cluster.ts): three hubs behind nginx
 * on PostgreSQL (a throwaway cluster of its own, so it can be restarted), Redis and Mosquitto of
 * their own. Devices post events through nginx over HTTP (a failed post is sent again with the same
 * ids, as a device does) and publish them over MQTT at QoS 1; screens connected through nginx (they
 * land on different hubs) follow the alarm batches and catch up after every reconnect. Mid-stream:
 *   hub-kill   kill -9 of one hub (it is started again a few seconds later, so its MQTT session's
 *              queue drains);
 *   redis      redis-server killed and started again empty;
 *   postgres   PostgreSQL stopped (immediate: a crash) and started again.
 * For each: every acknowledged event (HTTP 202, MQTT PUBACK) stored; no event with two alarms; every
 * screen's alarms of the run equal the server's (same ids, same revs) in the screen's scope; and how
 * long the screens went without news: every screen cut off live again within 5 s of the fault.
 *
 * Every event is a camera 'stranger' inside a key person's watch circle (one circle per district,
 * in turn): exactly one alarm each. One screen in five is the city-wide dispatcher's (every alarm),
 * the others district dispatchers' (their district's alarms and nothing else).
 *
 * `npm run bench:faults`. Settings: BENCH_FAULTS_RATE (events/s, half HTTP, half MQTT; default 500),
 * BENCH_FAULTS_SCREENS (50), BENCH_FAULTS_CASES (hub-kill,redis,postgres), BENCH_FAULTS_BEFORE_S (5),
 * BENCH_FAULTS_AFTER_S (15). tests/integration/faults.test.ts runs a shortened version in `npm test`.
 * Results: a table, and JSON in bench/results/faults-<time>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createZoneIndex } from '@server/rules/zone-index';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { startCluster, type Cluster } from './cluster';
import { Screen } from '../tests/integration/screen';
import { generateDemoCity } from '@server/demo';
import { scopePrefix } from '@shared/auth';
import { ingestReply } from '@shared/ingest';

export type FaultCase = 'hub-kill' | 'redis' | 'postgres';
export const FAULT_CASES: readonly FaultCase[] = ['hub-kill', 'redis', 'postgres'];

export interface FaultOptions {
  /** Events per second, half over HTTP, half over MQTT. */
  rate: number;
  /** Screens per case (a few of them district dispatchers). */
  screens: number;
  /** Events flow this long before the fault and this long after it (ms). */
  beforeMs: number;
  afterMs: number;
  /** The killed hub is started again after this long (ms). */
  hubDownMs: number;
  /** Redis and PostgreSQL stay down this long (ms). */
  serviceDownMs: number;
  /** Devices of each kind. */
  httpDevices: number;
  mqttDevices: number;
  /** Longest wait for every acknowledged event to be stored and every screen to agree, after the devices stop (ms). */
  settleMs: number;
  log: (line: string) => void;
}

export const FULL: Omit<FaultOptions, 'log'> = {
  rate: 500,
  screens: 50,
  beforeMs: 5_000,
  afterMs: 15_000,
  hubDownMs: 3_000,
  serviceDownMs: 1_000,
  httpDevices: 10,
  mqttDevices: 5,
  settleMs: 90_000,
};

export interface CaseResult {
  case: FaultCase;
  /** Events sent, and acknowledged (HTTP 202 / MQTT PUBACK). */
  sent: number;
  ackedHttp: number;
  ackedMqtt: number;
  /** Acknowledged events not stored (must be 0). */
  lost: number;
  /** Events of this case stored, and their alarms. */
  stored: number;
  alarms: number;
  /** Events with more than one alarm (must be 0), and stored events with none (must be 0). */
  doubled: number;
  withoutAlarm: number;
  /** HTTP posts sent again after a failure, and what the failures were (status or 'network'). */
  retriedPosts: number;
  failures: Record<string, number>;
  screens: number;
  /** Screens per hub (boot id) when the fault hit. */
  spread: number[];
  /** Screens whose connection the fault cut. */
  cutOff: number;
  /** Screens whose alarms of the run differ from the server's in their scope: missing, extra, or stale (must be 0). */
  screensWrong: number;
  missing: number;
  extra: number;
  stale: number;
  /** Cut-off screens: longest time from the fault to connected again and caught up (ms; must be ≤ 5,000). */
  maxCutOffLiveMs: number;
  /** Of which: from the fault to connected again (ms). */
  maxReconnectMs: number;
  /** Every screen whose scope holds events: longest time with no alarm batch in the window around the fault (ms). */
  maxSilenceMs: number;
  /** The longest silence among the screens that began on each hub (ms). */
  silenceByHubMs: number[];
  /** Each hub's longest event-loop delay during the case (ms; null: it did not answer, e.g. killed). */
  loopMaxMs: (number | null)[];
  /** The devices: longest time with no post or publish acknowledged in the same window (ms): while the hubs took nothing, screens had nothing to show. */
  maxIngestGapMs: number;
  /** How long after the devices stopped until everything acknowledged was stored and every screen agreed (ms). */
  settledMs: number;
  /** Holes the screens found (batches not starting at their cursor) and repaired by a sync. */
  holes: number;
  /** Catch-ups that failed (timed out, refused) and were tried again. */
  syncRetries: number;
  /**
   * Screens whose catch-up came back as a snapshot: they had fallen more than DELTA_MAX_BEHIND revs
   * behind (a delta comes in pages below that), and a snapshot holds only the newest SNAPSHOT_LIMIT
   * open alarms, so such a screen cannot hold an open set larger than that (by design).
   */
  snapshots: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SEED = 20260101; // the hubs' default DEMO_SEED: the city they seed

/** The places events happen: a key person's watch circle in each district. */
function places(): { lon: number; lat: number; district: string }[] {
  const city = generateDemoCity({ scale: 'small', seed: SEED });
  const zones = createZoneIndex(city.zones);
  const out: { lon: number; lat: number; district: string }[] = [];
  for (const z of city.zones) {
    if (z.kind !== 'key_person' || z.shape.type !== 'circle' || !z.gridCode) continue;
    const district = z.gridCode.slice(0, 6);
    if (out.some((p) => p.district === district)) continue;
    const [lon, lat] = z.shape.center;
    // Exactly one alarm per event: a centre inside another zone too (a smart community's compound,
    // whose stranger rule fires at night) would raise two.
    if (zones.containing([lon, lat]).length !== 1) continue;
    out.push({ lon, lat, district });
  }
  if (out.length < 2) throw new Error('the demo city has no two key-person circles in different districts');
  return out;
}

/**
 * A screen that also keeps time: when it got batches, lost and regained its connection, finished a
 * catch-up. Its catch-up is retried with backoff until it succeeds (as the desk does): a sync that
 * fails while a hub or the database is down must not leave it behind.
 */
class TimedScreen extends Screen {
  readonly batchAt: number[] = [];
  readonly disconnectAt: number[] = [];
  readonly syncedAt: number[] = [];
  readonly connectAt: number[] = [];
  /** Every catch-up tried: when, how long, and how it ended. */
  readonly syncs: { at: number; ms: number; outcome: string }[] = [];
  bootId = '';
  /** The hub it was on when the case began (its boot id). */
  firstBootId = '';
  closed = false;
  private refusals = 0;
  private retrying: Promise<void> | null = null;

  constructor(
    url: string,
    cookie: string,
    readonly scope: string,
  ) {
    super(url, cookie, { reconnection: true });
    this.socket.on('alarm:batch', () => this.batchAt.push(Date.now()));
    this.socket.on('hub:hello', (h) => {
      this.bootId = h.bootId;
      this.firstBootId ||= h.bootId;
    });
    this.socket.on('connect', () => {
      this.connectAt.push(Date.now());
      this.refusals = 0;
    });
    // As the desk (client/src/realtime/socket.ts): a handshake the hub refused (still starting, its
    // database away) is not retried by Socket.IO; retry it, backing off.
    this.socket.on('connect_error', () => {
      if (this.closed || this.socket.active) return;
      const delay = Math.min(2_000, 100 * 2 ** this.refusals++);
      setTimeout(() => !this.closed && !this.socket.connected && this.socket.connect(), delay);
    });
    // Cut by the other side (a hub gone, the proxy), not closed by the test.
    this.socket.on('disconnect', (reason) => reason !== 'io client disconnect' && this.disconnectAt.push(Date.now()));
  }

  override sync(): Promise<void> {
    this.retrying ??= (async () => {
      for (let attempt = 0; !this.closed; attempt++) {
        const t0 = Date.now();
        const held = this.alarms.size;
        try {
          await super.sync();
          this.syncedAt.push(Date.now());
          // A snapshot replaces what the screen held (the newest open alarms, at most SNAPSHOT_LIMIT).
          this.syncs.push({ at: t0, ms: Date.now() - t0, outcome: this.alarms.size < held ? 'snapshot' : 'ok' });
          return;
        } catch (e) {
          this.syncs.push({ at: t0, ms: Date.now() - t0, outcome: (e as Error).message.slice(0, 80) });
          await sleep(Math.min(2_000, 100 * 2 ** attempt));
        }
      }
    })().finally(() => (this.retrying = null));
    return this.retrying;
  }

  close(): void {
    this.closed = true;
    this.socket.disconnect();
  }
}

class Refused extends Error {}

/** What the devices did. */
interface DeviceLog {
  sent: number;
  ackedHttp: Set<string>;
  ackedMqtt: Set<string>;
  retriedPosts: number;
  failures: Record<string, number>;
  /** When each HTTP post and MQTT publish was acknowledged. */
  ackAt: number[];
}

/**
 * Devices: `httpDevices` posting through nginx and `mqttDevices` publishing to the broker, each
 * sending what is due by the clock every 100 ms. An HTTP device has one post in flight; a post that
 * fails (network, 5xx) is sent again with the same ids after a short wait, and events that fell due
 * meanwhile go in its next post. `stop()` ends the clock, then waits for every pending post and
 * publish to be acknowledged.
 */
function startDevices(
  c: Cluster,
  prefix: string,
  rate: number,
  o: Pick<FaultOptions, 'httpDevices' | 'mqttDevices' | 'settleMs'>,
  where: { lon: number; lat: number }[],
): { log: DeviceLog; stop: () => Promise<void> } {
  const log: DeviceLog = {
    sent: 0,
    ackedHttp: new Set(),
    ackedMqtt: new Set(),
    retriedPosts: 0,
    failures: {},
    ackAt: [],
  };
  let running = true;
  /** After stop(), a device sends its last post again until then, and gives up (those events stay unacknowledged). */
  let giveUpAt = Infinity;
  let k = 0;
  const event = (id: string) => {
    const p = where[k++ % where.length]!;
    return {
      id,
      source: 'camera',
      type: 'stranger',
      at: new Date().toISOString(),
      location: { lon: p.lon, lat: p.lat },
    };
  };
  const fail = (why: string) => (log.failures[why] = (log.failures[why] ?? 0) + 1);
  const perDevice = rate / 2 / Math.max(1, o.httpDevices);
  const perMqtt = rate / 2 / Math.max(1, o.mqttDevices);
  const tasks: Promise<void>[] = [];
  /** One post: true when the hub acknowledged every event (202 with none refused). */
  const postOnce = async (body: string): Promise<boolean> => {
    const res = await fetch(`${c.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.key}` },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 202) {
      fail(String(res.status));
      await res.body?.cancel();
      return false;
    }
    const reply = ingestReply.parse(await res.json());
    // A refused event would be a bug of the bench (they are all valid): stop with it.
    if (reply.rejected.length) throw new Refused(`a post was refused in part: ${JSON.stringify(reply.rejected[0])}`);
    return true;
  };

  // HTTP devices.
  for (let d = 0; d < o.httpDevices; d++) {
    tasks.push(
      (async () => {
        const t0 = Date.now();
        let made = 0;
        while (running) {
          const due = Math.floor((perDevice * (Date.now() - t0)) / 1000) - made;
          if (due <= 0) {
            await sleep(100);
            continue;
          }
          const events = Array.from({ length: due }, (_, i) => event(`${prefix}-h${d}-${made + i}`));
          made += due;
          log.sent += due;
          const body = JSON.stringify({ events });
          let acked = false;
          for (let attempt = 0; !acked; attempt++) {
            if (attempt > 0) log.retriedPosts++;
            acked = await postOnce(body).catch((e: unknown) => {
              if (e instanceof Refused) throw e;
              // No answer (a reset, a timeout): not acknowledged; the same ids go again.
              fail(e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'network');
              return false;
            });
            if (acked) break;
            if (Date.now() > giveUpAt) {
              fail('gave up');
              break;
            }
            await sleep(Math.min(1_000, 100 * 2 ** attempt));
          }
          if (acked) {
            log.ackAt.push(Date.now());
            for (const e of events) log.ackedHttp.add(e.id);
          }
          await sleep(100);
        }
      })(),
    );
  }

  // MQTT devices: QoS 1, acknowledged by the broker's PUBACK.
  const clients: MqttClient[] = [];
  for (let d = 0; d < o.mqttDevices; d++) {
    tasks.push(
      (async () => {
        const client = await mqtt.connectAsync(c.mqttUrl!, {
          clientId: `${prefix}-dev-${d}`,
          clean: true,
          reconnectPeriod: 500,
        });
        clients.push(client);
        const t0 = Date.now();
        let made = 0;
        const pending: Promise<void>[] = [];
        while (running) {
          const due = Math.floor((perMqtt * (Date.now() - t0)) / 1000) - made;
          if (due > 0) {
            const events = Array.from({ length: due }, (_, i) => event(`${prefix}-m${d}-${made + i}`));
            made += due;
            log.sent += due;
            pending.push(
              client
                .publishAsync('events/camera', JSON.stringify(events.length === 1 ? events[0] : { events }), { qos: 1 })
                .then(
                  () => {
                    log.ackAt.push(Date.now());
                    for (const e of events) log.ackedMqtt.add(e.id);
                  },
                  () => void fail('mqtt'),
                ),
            );
          }
          await sleep(100);
        }
        await Promise.all(pending);
      })(),
    );
  }

  return {
    log,
    async stop() {
      running = false;
      giveUpAt = Date.now() + o.settleMs;
      await Promise.all(tasks);
      await Promise.all(clients.map((cl) => cl.endAsync()));
    },
  };
}

/** Query the cluster's database with a fresh connection (it may have been restarted). */
async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[]): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Run one fault case on a running cluster. */
export async function runCase(c: Cluster, kind: FaultCase, o: FaultOptions): Promise<CaseResult> {
  const prefix = `f${randomBytes(3).toString('hex')}-${kind}`;
  const where = places();
  const districts = where.map((p) => p.district);
  // Screens: one in five city-wide (every alarm), the others district dispatchers' (their district's
  // alarms and nothing else), as in a command centre with district desks.
  const accounts = ['dispatcher', ...districts.map((d) => `dispatcher-${d}`)];
  const sessions = new Map<string, { cookie: string; scope: string }>();
  for (const a of accounts) {
    const s = await c.signIn(a);
    sessions.set(a, { cookie: s.cookie, scope: s.info.user.scope });
  }
  const screens: TimedScreen[] = [];
  for (let i = 0; i < o.screens; i++) {
    const account = i % 5 === 0 ? 'dispatcher' : `dispatcher-${districts[i % districts.length]!}`;
    const s = sessions.get(account)!;
    screens.push(new TimedScreen(c.url, s.cookie, s.scope));
  }
  await Promise.all(screens.map((s) => s.ready()));
  // Which hub each screen landed on (their boot ids), and the hub with the most: the one to kill.
  const boots = await Promise.all(c.hubs.map((h) => bootIdOf(h.url, c)));
  const onHub = countBy(screens.map((s) => s.bootId));
  const spread = boots.map((b) => onHub.get(b) ?? 0);
  const victim = spread.indexOf(Math.max(...spread));
  o.log(
    `${kind}: ${screens.length} screens ready; ${o.rate} events/s (${o.httpDevices} HTTP devices, ${o.mqttDevices} MQTT devices)`,
  );

  const crashesBefore = c.crashes.length;
  const devices = startDevices(c, prefix, o.rate, o, where);
  await sleep(o.beforeMs);

  // The fault.
  // Event-loop delay of each hub from here on (a scrape resets it).
  await Promise.all(c.hubs.map((_, i) => c.metrics(i)));
  let faultAt = Date.now();
  let hubBack: Promise<void> = Promise.resolve();
  if (kind === 'hub-kill') {
    // The fault is the moment the process is gone (its sockets close then), not the kill call: a
    // big process takes a while to be torn down, seconds on a busy machine.
    const killedAt = Date.now();
    const gone = await c.killHub(victim, 'SIGKILL');
    const firstCut = Math.min(...screens.flatMap((s) => s.disconnectAt.filter((t) => t >= killedAt)));
    faultAt = Math.min(gone, firstCut);
    o.log(`${kind}: hub ${victim} (${spread[victim]} screens) killed; started again in ${o.hubDownMs} ms`);
    hubBack = sleep(o.hubDownMs).then(() => c.startHub(victim));
  } else if (kind === 'redis') {
    await c.restartRedis({ downMs: o.serviceDownMs });
  } else {
    await c.restartPostgres({ downMs: o.serviceDownMs, mode: 'immediate' });
  }
  o.log(`${kind}: fault over after ${Date.now() - faultAt} ms`);
  await sleep(o.afterMs);
  const stoppedAt = Date.now();
  await devices.stop();
  await hubBack;
  o.log(
    `${kind}: devices stopped: ${devices.log.sent} sent, ${devices.log.ackedHttp.size} + ${devices.log.ackedMqtt.size} acknowledged; waiting for the store and the screens`,
  );

  // Settle: every acknowledged event stored, every screen holding the server's alarms of the run.
  const acked = new Set([...devices.log.ackedHttp, ...devices.log.ackedMqtt]);
  type AlarmRow = { id: string; rev: string; event_id: string; grid_code: string };
  let stored = new Set<string>();
  let alarmRows: AlarmRow[] = [];
  let verdicts: ReturnType<typeof judge>[];
  const like = `${prefix}-%`;
  const settleDeadline = Date.now() + o.settleMs;
  for (let round = 0; ; round++) {
    stored = new Set(
      (
        await query<{ id: string }>(c.databaseUrl, `select id from events where source = 'camera' and id like $1`, [
          like,
        ]).catch(() => [])
      ).map((r) => r.id),
    );
    alarmRows = await query<AlarmRow>(
      c.databaseUrl,
      `select id, rev::text as rev, event_id, grid_code from alarms where event_source = 'camera' and event_id like $1`,
      [like],
    ).catch(() => []);
    verdicts = screens.map((s) => judge(s, alarmRows, prefix));
    const allStored = [...acked].every((id) => stored.has(id));
    if ((allStored && verdicts.every((v) => v.missing + v.extra + v.stale === 0)) || Date.now() > settleDeadline) break;
    if (c.crashes.length > crashesBefore) break;
    if (round % 10 === 9)
      o.log(
        `${kind}: settling: ${[...acked].filter((id) => !stored.has(id)).length} acknowledged not stored yet, ${verdicts.filter((v) => v.missing + v.extra + v.stale > 0).length} screens behind`,
      );
    await sleep(500);
  }
  const settledMs = Date.now() - stoppedAt;
  const loopMaxMs = await Promise.all(c.hubs.map(async (_, i) => loopMax(await c.metrics(i))));
  const crashed = c.crashes.slice(crashesBefore);
  if (crashed.length) {
    for (const s of screens) s.close();
    await sleep(200);
    throw new Error(
      `${kind}: hubs ended by themselves: ${crashed.map((x) => `hub ${x.hub} (${x.exit}):\n${x.log}`).join('\n')}`,
    );
  }
  if (Date.now() > settleDeadline) o.log(`${kind}: not settled after ${o.settleMs} ms`);
  for (const s of screens) s.close();

  const perEvent = countBy(alarmRows.map((a) => a.event_id));
  const cut = screens.filter((s) => s.disconnectAt.some((t) => t >= faultAt && t <= stoppedAt));
  // A cut-off screen is live again when it is connected and has caught up (its first sync after the cut).
  const liveMs = cut.map((s) => {
    const since = s.disconnectAt.find((t) => t >= faultAt)!;
    const synced = s.syncedAt.find((t) => t > since);
    return synced === undefined ? Infinity : synced - faultAt;
  });
  const reconnectMs = cut.map((s) => {
    const since = s.disconnectAt.find((t) => t >= faultAt)!;
    const back = s.connectAt.find((t) => t > since);
    return back === undefined ? Infinity : back - faultAt;
  });
  // Silence: the longest gap without a batch from a second before the fault to the end of the stream,
  // on the screens that have something to hear (a district with no events gets no batch at all).
  const silence = screens.map((s) =>
    alarmRows.some((a) => a.grid_code.startsWith(scopePrefix(s.scope)))
      ? longestGap([...s.batchAt, ...s.syncedAt.filter((t) => t >= faultAt)], faultAt - 1_000, stoppedAt)
      : 0,
  );
  const silenceByHub = boots.map((b) => Math.max(0, ...silence.filter((_, i) => screens[i]!.firstBootId === b)));
  const wrong = verdicts.filter((v) => v.missing + v.extra + v.stale > 0);
  // What the cut-off screens went through, when they were slow or wrong (ms from the fault).
  if (process.env.FAULTS_DEBUG === '1' || wrong.length || Math.max(0, ...liveMs) > 5_000) {
    for (const s of cut) {
      const rel = (t: number) => t - faultAt;
      const v = verdicts[screens.indexOf(s)]!;
      o.log(
        `${kind}: screen (${s.scope}) cut ${s.disconnectAt
          .filter((t) => t >= faultAt)
          .map(rel)
          .join(',')}; connected ${s.connectAt
          .filter((t) => t >= faultAt)
          .map(rel)
          .join(',')}; ` +
          `syncs ${s.syncs
            .filter((x) => x.at >= faultAt)
            .map((x) => `${rel(x.at)}+${x.ms} ${x.outcome}`)
            .join('; ')}; missing ${v.missing}`,
      );
    }
  }
  const result: CaseResult = {
    case: kind,
    sent: devices.log.sent,
    ackedHttp: devices.log.ackedHttp.size,
    ackedMqtt: devices.log.ackedMqtt.size,
    lost: [...acked].filter((id) => !stored.has(id)).length,
    stored: stored.size,
    alarms: alarmRows.length,
    doubled: [...perEvent.values()].filter((n) => n > 1).length,
    withoutAlarm: [...stored].filter((id) => !perEvent.has(id)).length,
    retriedPosts: devices.log.retriedPosts,
    failures: devices.log.failures,
    screens: screens.length,
    spread,
    cutOff: cut.length,
    screensWrong: wrong.length,
    missing: sum(verdicts.map((v) => v.missing)),
    extra: sum(verdicts.map((v) => v.extra)),
    stale: sum(verdicts.map((v) => v.stale)),
    maxCutOffLiveMs: Math.max(0, ...liveMs),
    maxReconnectMs: Math.max(0, ...reconnectMs),
    maxSilenceMs: Math.max(0, ...silence),
    silenceByHubMs: silenceByHub,
    loopMaxMs,
    maxIngestGapMs: longestGap(devices.log.ackAt, faultAt - 1_000, stoppedAt),
    settledMs,
    holes: sum(screens.map((s) => s.holes)),
    syncRetries: sum(
      screens.map(
        (s) => s.syncs.filter((x) => x.at >= faultAt && x.outcome !== 'ok' && x.outcome !== 'snapshot').length,
      ),
    ),
    snapshots: screens.filter((s) => s.syncs.some((x) => x.at >= faultAt && x.outcome === 'snapshot')).length,
  };
  o.log(`${kind}: ${summary(result)}`);
  return result;
}

/** A screen's alarms of the run against the server's in its scope. */
function judge(
  s: TimedScreen,
  rows: readonly { id: string; rev: string; grid_code: string }[],
  prefix: string,
): { missing: number; extra: number; stale: number } {
  const scope = scopePrefix(s.scope);
  const want = new Map(rows.filter((r) => r.grid_code.startsWith(scope)).map((r) => [r.id, Number(r.rev)]));
  let missing = 0;
  let stale = 0;
  for (const [id, rev] of want) {
    const got = s.alarms.get(id);
    if (!got) missing++;
    else if (got.rev !== rev) stale++;
  }
  let extra = 0;
  for (const a of s.alarms.values()) if (a.event.id.startsWith(`${prefix}-`) && !want.has(a.id)) extra++;
  return { missing, extra, stale };
}

/** A hub's boot id: what its hub:hello says to a screen that connects to it directly. */
async function bootIdOf(url: string, c: Cluster): Promise<string> {
  const s = await c.signIn();
  const screen = new TimedScreen(url, s.cookie, s.info.user.scope);
  try {
    await new Promise<void>((r) => screen.socket.once('hub:hello', () => r()));
    return screen.bootId;
  } finally {
    screen.close();
  }
}

/** The longest time between consecutive moments within [from, to] (the ends count as moments). */
function longestGap(times: readonly number[], from: number, to: number): number {
  const ts = [from, ...times.filter((t) => t >= from && t <= to), to].sort((a, b) => a - b);
  let max = 0;
  for (let i = 1; i < ts.length; i++) max = Math.max(max, ts[i]! - ts[i - 1]!);
  return max;
}

/** The maximum event-loop delay (ms) in a scrape of /metrics. */
function loopMax(text: string | null): number | null {
  const m = text && /^event_loop_delay_seconds\{quantile="1"\} ([\d.e+-]+)$/m.exec(text);
  return m ? Math.round(Number(m[1]) * 1000) : null;
}

function countBy(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export function summary(r: CaseResult): string {
  return (
    `sent ${r.sent}, acknowledged ${r.ackedHttp} HTTP + ${r.ackedMqtt} MQTT, lost ${r.lost}; ${r.alarms} alarms for ${r.stored} events (doubled ${r.doubled}, none ${r.withoutAlarm}); ` +
    `posts retried ${r.retriedPosts} (${
      Object.entries(r.failures)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || 'no failures'
    }); ` +
    `screens ${r.screens} over hubs [${r.spread.join(', ')}], cut off ${r.cutOff}, wrong ${r.screensWrong} (missing ${r.missing}, extra ${r.extra}, stale ${r.stale}), holes ${r.holes}, catch-ups retried ${r.syncRetries}, snapshots ${r.snapshots}; ` +
    `cut-off screens connected again within ${r.maxReconnectMs} ms and live (caught up) within ${r.maxCutOffLiveMs} ms of the fault, longest silence on a screen ${r.maxSilenceMs} ms (by first hub [${r.silenceByHubMs.join(', ')}]; hubs' longest event-loop delay [${r.loopMaxMs.join(', ')}] ms; longest without an acknowledged post or publish: ${r.maxIngestGapMs} ms); settled ${r.settledMs} ms after the devices stopped`
  );
}

/** The promise of each case: nothing acknowledged lost, no alarm missing or doubled, screens back within 5 s. */
export function failuresOf(r: CaseResult): string[] {
  const out: string[] = [];
  if (r.lost) out.push(`${r.lost} acknowledged events lost`);
  if (r.doubled) out.push(`${r.doubled} events with more than one alarm`);
  if (r.withoutAlarm) out.push(`${r.withoutAlarm} stored events without their alarm`);
  if (r.screensWrong)
    out.push(
      `${r.screensWrong} screens differ from the server (missing ${r.missing}, extra ${r.extra}, stale ${r.stale})`,
    );
  if (r.maxCutOffLiveMs > 5_000) out.push(`a cut-off screen took ${r.maxCutOffLiveMs} ms to be live again`);
  // A hub that cannot reach its database says 503 (Retry-After); a 500 would be a bug of the hub.
  if (r.failures['500']) out.push(`${r.failures['500']} posts answered 500`);
  return out;
}

/** Start the cluster (three hubs, its own PostgreSQL) and run the cases one after the other. */
export async function runFaults(cases: readonly FaultCase[], o: FaultOptions): Promise<CaseResult[]> {
  const t0 = Date.now();
  const cluster = await startCluster({
    hubs: 3,
    postgres: 'own',
    log: (l) => o.log(`${((Date.now() - t0) / 1000).toFixed(1)} s ${l}`),
  });
  try {
    const results: CaseResult[] = [];
    for (const kind of cases) {
      results.push(await runCase(cluster, kind, o));
      // Every hub up before the next case.
      await cluster.waitReady();
    }
    return results;
  } catch (e) {
    for (let i = 0; i < cluster.hubs.length; i++) o.log(`hub ${i} log:\n${await cluster.hubLog(i, 20)}`);
    throw e;
  } finally {
    await cluster.stop({ keepDir: process.env.CLUSTER_KEEP === '1' });
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const cases = (env.BENCH_FAULTS_CASES ?? FAULT_CASES.join(',')).split(',') as FaultCase[];
  for (const k of cases)
    if (!FAULT_CASES.includes(k)) throw new Error(`BENCH_FAULTS_CASES: unknown case ${k} (${FAULT_CASES.join(', ')})`);
  const o: FaultOptions = {
    ...FULL,
    rate: Number(env.BENCH_FAULTS_RATE ?? FULL.rate),
    screens: Number(env.BENCH_FAULTS_SCREENS ?? FULL.screens),
    beforeMs: Number(env.BENCH_FAULTS_BEFORE_S ?? FULL.beforeMs / 1000) * 1000,
    afterMs: Number(env.BENCH_FAULTS_AFTER_S ?? FULL.afterMs / 1000) * 1000,
    log: (l) => console.log(l),
  };
  console.log(
    `faults: three hubs behind nginx, ${o.rate} events/s, ${o.screens} screens, cases ${cases.join(', ')}; ${cpus().length} cores`,
  );
  const results = await runFaults(cases, o);
  console.log(
    '\ncase      | sent | acked HTTP+MQTT | lost | alarms | doubled | screens wrong | cut off | reconnected (max) | live again (max) | longest silence | longest ingest gap | settled',
  );
  for (const r of results) {
    console.log(
      `${r.case.padEnd(9)} | ${r.sent} | ${r.ackedHttp}+${r.ackedMqtt} | ${r.lost} | ${r.alarms} | ${r.doubled} | ${r.screensWrong}/${r.screens} | ${r.cutOff} | ${r.maxReconnectMs} ms | ${r.maxCutOffLiveMs} ms | ${r.maxSilenceMs} ms | ${r.maxIngestGapMs} ms | ${r.settledMs} ms`,
    );
  }
  const bad = results.flatMap((r) => failuresOf(r).map((f) => `${r.case}: ${f}`));
  console.log(
    bad.length
      ? `\nFAIL\n${bad.join('\n')}`
      : '\nPASS: 0 acknowledged events lost, 0 alarms missing or doubled, every cut-off screen live again within 5 s',
  );
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/faults-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(
    file,
    JSON.stringify({ options: { ...o, log: undefined }, cores: cpus().length, results }, null, 2) + '\n',
  );
  console.log(`wrote ${file}`);
  if (bad.length) process.exitCode = 1;
}

// Run as a script (`tsx bench/faults.ts`), not when the test imports it.
if (process.argv[1]?.endsWith('bench/faults.ts')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
