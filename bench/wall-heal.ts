/**
 * `npm run bench:wall-heal`: the wall heals itself (issue 17), the cases too slow for `npm test`
 * (tests/e2e/wall-restart.spec.ts covers a hub restart and a 10 s cut). Two hubs behind nginx on a
 * throwaway PostgreSQL with Redis and Mosquitto of their own (bench/cluster.ts), the small demo
 * city, the simulator off; the wall signed in as `wall` through nginx in headless Chromium at
 * 1920×1080 (software WebGL here: 4K costs seconds a frame and adds nothing to healing), left alone.
 *
 * Cases, in order:
 *   cut <N> s  the wall's browser loses the network (`context.setOffline(true)`) for N seconds, then
 *              gets it back (BENCH_HEAL_CUTS, default "30,180");
 *   switch     the hub the wall's socket is on (the page's `data-boot` against each hub's boot id)
 *              is stopped (SIGTERM) and stays down: nginx sends the wall to the other hub
 *              (BENCH_HEAL_SWITCH=0 leaves it out).
 * During each outage one event is posted through nginx that raises a priority-2 alarm (a camera
 * 'stranger' inside a key person's watch circle, as bench/faults.ts places them: not a priority 1,
 * which would take the wall's stage). Per case: whether the discreet stale marker (`wall-stale`)
 * showed during the outage; how long from the end of the outage (the network back; for the switch,
 * the stop signal) until the wall's `data-connection` is `live` again; whether the alarm raised
 * while away is in the wall's ticker (`data-id`); and whether the wall's count of alarms held
 * (`data-alarms-held`) equals the open alarms the hub lists to the wall account (`GET /api/v1/alarms`).
 * A case passes when the marker showed, the wall was live within 30 s, and both checks held within
 * 30 s of that.
 *
 * The wall's states are recorded in the page by a MutationObserver (the connection attribute, the
 * hub's boot id, the marker), timestamped, so a marker shown for a moment during a switch counts.
 * The hubs' alarm expiry and coverage sweeps are off: nothing but this bench's events changes the
 * open alarms during the run, so "held = hub's" is exact (the wall also holds alarms closed within
 * the last ten minutes).
 *
 * Results: a table on stdout, JSON in bench/results/wall-heal-<time>.json; exit 1 if a case fails.
 * Settings: BENCH_HEAL_CUTS, BENCH_HEAL_SWITCH, CHROMIUM_PATH. Needs the built client (`npm run build`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { chromium, type Page } from '@playwright/test';
import { alarmSyncReply, SNAPSHOT_LIMIT } from '@shared/alarms';
import { generateDemoCity } from '@server/demo';
import { createZoneIndex } from '@server/rules/zone-index';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/e2e/chromium';
import { openSocket } from '../tests/integration/screen';
import { startCluster, type Cluster } from './cluster';

const CUTS_S = (process.env.BENCH_HEAL_CUTS ?? '30,180')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map(Number);
const SWITCH = (process.env.BENCH_HEAL_SWITCH ?? '1') !== '0';
const WIDTH = 1920;
const HEIGHT = 1080;
const SEED = 20260101; // the hubs' default DEMO_SEED: the city they seed
/** The marker must show within this long of the cut (the socket notices the lost link). */
const STALE_WITHIN_MS = 20_000;
/** Live again within this long of the end of the outage, and correct within this long of that. */
const LIVE_WITHIN_MS = 30_000;
const CORRECT_WITHIN_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const s of CUTS_S) if (!Number.isFinite(s) || s <= 0) throw new Error(`BENCH_HEAL_CUTS: ${s} is not seconds`);

interface CaseResult {
  case: string;
  /** The outage: the network cut's length, or the hub stopped (ms since the epoch: start, end). */
  outageMs: number;
  /** The hub the wall was on before (boot id), and after. */
  bootBefore: string;
  bootAfter: string;
  /** The stale marker appeared during the outage, and how long after its start. */
  staleShown: boolean;
  staleAfterMs: number | null;
  /** From the end of the outage (network back; for the switch, the stop signal) to `live` again. */
  backLiveMs: number | null;
  /** The marker is gone once live again. */
  staleGone: boolean;
  /** The alarm raised during the outage: its id, and whether the wall's ticker lists it. */
  alarmId: string | null;
  alarmShown: boolean;
  /** The wall's count of alarms held, and the open alarms the hub lists to the wall account. */
  held: number | null;
  hubOpen: number | null;
  heldEqualsHub: boolean;
  /** From live again to both checks holding (ms). */
  correctAfterMs: number | null;
  failures: string[];
}

/** A wall state change, as the page's observer records it. */
interface Mark {
  t: number;
  /** data-connection */
  c: string;
  /** The stale marker is in the DOM. */
  s: boolean;
  /** data-boot */
  b: string;
}

/**
 * Records the wall's connection, boot id and stale marker in `window.__heal` at every change. A
 * string, not a function: tsx's transform would give a function a `__name` helper the page lacks.
 */
const OBSERVE = `(() => {
  if (window.__heal) return;
  const log = (window.__heal = []);
  const wall = document.querySelector('[data-testid="wall"]');
  const head = wall.querySelector('header') || wall;
  const note = () => {
    const m = {
      t: Date.now(),
      c: wall.getAttribute('data-connection') || '',
      s: !!document.querySelector('[data-testid="wall-stale"]'),
      b: wall.getAttribute('data-boot') || '',
    };
    const last = log[log.length - 1];
    if (!last || last.c !== m.c || last.s !== m.s || last.b !== m.b) log.push(m);
  };
  new MutationObserver(note).observe(wall, { attributes: true, attributeFilter: ['data-connection', 'data-boot'] });
  new MutationObserver(note).observe(head, { childList: true });
  note();
})()`;

const marks = (page: Page): Promise<Mark[]> => page.evaluate<Mark[]>('window.__heal || []');

/** A key person's watch circle inside no other zone: a camera 'stranger' there raises exactly one priority-2 alarm. */
function strangerPlace(): { lon: number; lat: number } {
  const city = generateDemoCity({ scale: 'small', seed: SEED });
  const zones = createZoneIndex(city.zones);
  for (const z of city.zones) {
    if (z.kind !== 'key_person' || z.shape.type !== 'circle') continue;
    const [lon, lat] = z.shape.center;
    if (zones.containing([lon, lat]).length === 1) return { lon, lat };
  }
  throw new Error('the small demo city has no key-person circle clear of other zones');
}

/** Posts one camera 'stranger' event through nginx, again with the same id until the hub takes it (202). */
async function postStranger(c: Cluster, id: string, at: { lon: number; lat: number }): Promise<void> {
  const body = JSON.stringify({
    events: [{ id, source: 'camera', type: 'stranger', at: new Date().toISOString(), location: at }],
  });
  let last = '';
  for (let attempt = 0; attempt < 30; attempt++) {
    const res = await fetch(`${c.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.key}` },
      body,
      signal: AbortSignal.timeout(10_000),
    }).catch((e: unknown) => e as Error);
    if (!(res instanceof Error) && res.status === 202) {
      const reply = (await res.json()) as { rejected?: unknown[] };
      if (reply.rejected?.length) throw new Error(`event ${id} refused: ${JSON.stringify(reply.rejected[0])}`);
      return;
    }
    last = res instanceof Error ? res.message : `HTTP ${res.status} ${await res.text()}`;
    await sleep(500);
  }
  throw new Error(`event ${id} not taken after 30 tries: ${last}`);
}

/** The open alarms the hub lists to the wall account (through nginx). */
async function hubAlarms(c: Cluster, cookie: string): Promise<{ id: string; eventId: string }[]> {
  const res = await fetch(`${c.url}/api/v1/alarms`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET /api/v1/alarms: HTTP ${res.status} ${await res.text()}`);
  return alarmSyncReply.parse(await res.json()).alarms.map((a) => ({ id: a.id, eventId: a.event.id }));
}

/** A hub's boot id: what its hub:hello says to a socket that connects to it directly. */
async function bootIdOf(url: string, cookie: string): Promise<string> {
  const s = openSocket(url, cookie);
  try {
    return await new Promise<string>((resolve, reject) => {
      s.once('hub:hello', (h) => resolve(h.bootId));
      s.once('connect_error', (e) => reject(e));
      setTimeout(() => reject(new Error(`no hub:hello from ${url} within 10 s`)), 10_000);
    });
  } finally {
    s.disconnect();
  }
}

/** Polls `f` every `every` ms until it returns something other than undefined, or `ms` passed (undefined). */
async function until<T>(f: () => Promise<T | undefined>, ms: number, every = 200): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) return undefined;
    await sleep(every);
  }
}

const attr = (page: Page, name: string) => page.getAttribute('[data-testid="wall"]', name);

/**
 * After the outage: the wall live again (from `from`), then correct: the alarm of `eventId` in the
 * ticker, and its count held equal to the hub's open alarms.
 */
async function judge(
  c: Cluster,
  page: Page,
  cookie: string,
  r: CaseResult,
  o: { start: number; from: number; eventId: string; liveWhen?: (m: Mark) => boolean },
): Promise<void> {
  const live = await until(async () => {
    const m = (await marks(page)).find((x) => x.t >= o.from && x.c === 'live' && (o.liveWhen?.(x) ?? true));
    return m;
  }, LIVE_WITHIN_MS + 30_000);
  const during = (await marks(page)).filter((m) => m.t >= o.start && m.t <= (live?.t ?? Infinity));
  const firstStale = during.find((m) => m.s);
  r.staleShown = !!firstStale;
  r.staleAfterMs = firstStale ? firstStale.t - o.start : null;
  r.backLiveMs = live ? live.t - o.from : null;
  r.bootAfter = (await attr(page, 'data-boot')) ?? '';
  if (live) {
    // Correct: the alarm raised while away is listed, and the count held is the hub's.
    const ok = await until(
      async () => {
        const alarms = await hubAlarms(c, cookie);
        r.alarmId = alarms.find((a) => a.eventId === o.eventId)?.id ?? null;
        r.hubOpen = alarms.length;
        r.held = Number(await attr(page, 'data-alarms-held'));
        r.alarmShown =
          !!r.alarmId && (await page.locator(`[data-testid="wall-ticker-item"][data-id="${r.alarmId}"]`).count()) > 0;
        r.heldEqualsHub = r.held === r.hubOpen;
        return r.alarmShown && r.heldEqualsHub ? Date.now() : undefined;
      },
      CORRECT_WITHIN_MS,
      500,
    );
    r.correctAfterMs = ok === undefined ? null : ok - live.t;
    r.staleGone = (await page.getByTestId('wall-stale').count()) === 0;
  }
  if (!r.staleShown) r.failures.push('the stale marker did not show during the outage');
  if (r.backLiveMs === null || r.backLiveMs > LIVE_WITHIN_MS)
    r.failures.push(`not live again within ${LIVE_WITHIN_MS / 1000} s (${r.backLiveMs ?? 'never'} ms)`);
  if (live && !r.staleGone) r.failures.push('the stale marker stayed once live');
  if (live && !r.alarmShown) r.failures.push(`the alarm raised while away (${r.alarmId ?? 'not found'}) is not listed`);
  if (live && !r.heldEqualsHub)
    r.failures.push(
      `the wall holds ${r.held} alarms, the hub lists ${r.hubOpen} open${r.hubOpen === SNAPSHOT_LIMIT ? ' (its list stops at SNAPSHOT_LIMIT)' : ''}`,
    );
}

function newResult(name: string, boot: string): CaseResult {
  return {
    case: name,
    outageMs: 0,
    bootBefore: boot,
    bootAfter: '',
    staleShown: false,
    staleAfterMs: null,
    backLiveMs: null,
    staleGone: false,
    alarmId: null,
    alarmShown: false,
    held: null,
    hubOpen: null,
    heldEqualsHub: false,
    correctAfterMs: null,
    failures: [],
  };
}

/** The wall's browser offline for `seconds`, an event posted meanwhile. */
async function cutCase(
  c: Cluster,
  page: Page,
  cookie: string,
  seconds: number,
  place: { lon: number; lat: number },
  run: string,
  log: (l: string) => void,
): Promise<CaseResult> {
  const r = newResult(`cut ${seconds} s`, (await attr(page, 'data-boot')) ?? '');
  const eventId = `heal-${run}-cut${seconds}`;
  const start = Date.now();
  await page.context().setOffline(true);
  log(`${r.case}: the wall's network is cut`);
  // The event once the wall knows it is away (or after the marker's deadline, if it never does).
  await until(async () => ((await marks(page)).some((m) => m.t >= start && m.s) ? true : undefined), STALE_WITHIN_MS);
  await postStranger(c, eventId, place);
  log(`${r.case}: event ${eventId} posted ${((Date.now() - start) / 1000).toFixed(1)} s into the cut`);
  await sleep(Math.max(0, start + seconds * 1000 - Date.now()));
  await page.context().setOffline(false);
  const end = Date.now();
  r.outageMs = end - start;
  log(`${r.case}: the network is back`);
  await judge(c, page, cookie, r, { start, from: end, eventId });
  return r;
}

/** The hub the wall is on stopped (SIGTERM), and left down: the wall goes to the other hub. */
async function switchCase(
  c: Cluster,
  page: Page,
  cookie: string,
  place: { lon: number; lat: number },
  run: string,
  log: (l: string) => void,
): Promise<CaseResult> {
  const boot = (await attr(page, 'data-boot')) ?? '';
  const r = newResult('hub switch', boot);
  const boots = await Promise.all(c.hubs.map((h) => (h.child ? bootIdOf(h.url, cookie) : Promise.resolve(''))));
  const victim = boots.indexOf(boot);
  if (victim < 0) {
    r.failures.push(`the wall's boot id ${boot} is none of the hubs' (${boots.join(', ')})`);
    return r;
  }
  const eventId = `heal-${run}-switch`;
  const start = Date.now();
  const gone = c.killHub(victim, 'SIGTERM');
  log(`hub switch: hub ${victim} (the wall's) stopped (SIGTERM); it stays down`);
  // The event the moment the wall notices (or 10 s on, if it never does).
  await until(
    async () => ((await marks(page)).some((m) => m.t >= start && m.c !== 'live') ? true : undefined),
    10_000,
    50,
  );
  await postStranger(c, eventId, place);
  log(`hub switch: event ${eventId} posted ${((Date.now() - start) / 1000).toFixed(1)} s after the stop`);
  r.outageMs = (await gone) - start;
  // Live on another hub: a boot id other than the stopped one's.
  await judge(c, page, cookie, r, { start, from: start, eventId, liveWhen: (m) => m.b !== '' && m.b !== boot });
  if (r.bootAfter === boot) r.failures.push('the wall is still on the stopped hub');
  return r;
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const log = (l: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s ${l}`);
  const run = randomBytes(3).toString('hex');
  console.log(
    `wall-heal: two hubs behind nginx, small city; cuts ${CUTS_S.join(', ')} s${SWITCH ? ', then a hub switch' : ''}; ${WIDTH}×${HEIGHT}; ${cpus().length} cores`,
  );
  const place = strangerPlace();
  const cluster = await startCluster({
    hubs: 2,
    postgres: 'own',
    env: { DEMO_SCALE: 'small', SIMULATOR: 'off', ALARM_EXPIRY_SWEEP_MS: '0', COVERAGE_SWEEP_MS: '0' },
    log,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const results: CaseResult[] = [];
  const pageErrors: string[] = [];
  try {
    const wall = await cluster.signIn('wall');
    const [name, ...rest] = wall.cookie.split('=');
    const context = await browser.newContext({
      viewport: { width: WIDTH, height: HEIGHT },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      deviceScaleFactor: 1,
    });
    await context.addCookies([{ name: name!, value: rest.join('='), url: cluster.url }]);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message.slice(0, 300)));
    await page.goto(`${cluster.url}/wall`, { waitUntil: 'commit' });
    const drawn = await until(
      async () => ((await attr(page, 'data-drawn').catch(() => null)) === 'true' ? true : undefined),
      300_000,
      500,
    );
    if (!drawn) throw new Error('the wall did not draw within 300 s');
    const firstPictureMs = await page.evaluate<number | null>(
      `performance.getEntriesByName('wall:drawn')[0]?.startTime ?? null`,
    );
    const live = await until(async () => ((await attr(page, 'data-connection')) === 'live' ? true : undefined), 60_000);
    if (!live) throw new Error('the wall is not live 60 s after its first picture');
    await page.evaluate(OBSERVE);
    log(
      `wall drawn (${Math.round(firstPictureMs ?? 0)} ms after navigation) and live on hub ${await attr(page, 'data-boot')}`,
    );

    for (const s of CUTS_S) {
      results.push(await cutCase(cluster, page, wall.cookie, s, place, run, log));
      log(`${results.at(-1)!.case}: ${results.at(-1)!.failures.join('; ') || 'ok'}`);
      await sleep(3_000);
    }
    if (SWITCH) {
      results.push(await switchCase(cluster, page, wall.cookie, place, run, log));
      log(`hub switch: ${results.at(-1)!.failures.join('; ') || 'ok'}`);
    }
    await mkdir('bench/results', { recursive: true });
    await page.screenshot({ path: `bench/results/wall-heal-${startedAt.replace(/[:.]/g, '-')}.png` }).catch(() => {});
    const stateLog = await marks(page);
    await report(results, { startedAt, firstPictureMs, pageErrors, stateLog });
  } catch (e) {
    for (let i = 0; i < cluster.hubs.length; i++) log(`hub ${i} log:\n${await cluster.hubLog(i, 20)}`);
    throw e;
  } finally {
    await browser.close();
    await cluster.stop({ keepDir: process.env.CLUSTER_KEEP === '1' });
  }
}

const s1 = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

async function report(
  results: CaseResult[],
  extra: { startedAt: string; firstPictureMs: number | null; pageErrors: string[]; stateLog: Mark[] },
): Promise<void> {
  console.log(
    "\n| case | stale shown (after) | back live after | alarm raised while away shown | held = hub's | correct after live |\n|---|---|---|---|---|---|",
  );
  for (const r of results) {
    console.log(
      `| ${r.case} | ${r.staleShown ? `yes (${s1(r.staleAfterMs)})` : 'no'} | ${s1(r.backLiveMs)}${r.case === 'hub switch' ? ' (from the stop)' : ''} | ${r.alarmShown ? 'yes' : 'no'} | ${r.heldEqualsHub ? 'yes' : 'no'} (${r.held ?? '—'} / ${r.hubOpen ?? '—'}) | ${s1(r.correctAfterMs)} |`,
    );
  }
  const bad = results.flatMap((r) => r.failures.map((f) => `${r.case}: ${f}`));
  console.log(
    bad.length
      ? `\nFAIL\n${bad.join('\n')}`
      : '\nPASS: every case showed it was stale, came back live and correct by itself',
  );
  if (extra.pageErrors.length) console.log(`page errors: ${extra.pageErrors.slice(0, 5).join(' | ')}`);
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/wall-heal-${extra.startedAt.replace(/[:.]/g, '-')}.json`;
  await writeFile(
    file,
    JSON.stringify(
      {
        startedAt: extra.startedAt,
        command: 'npm run bench:wall-heal',
        options: { cutsS: CUTS_S, hubSwitch: SWITCH, size: `${WIDTH}x${HEIGHT}`, scale: 'small', hubs: 2 },
        cores: cpus().length,
        load: loadavg()[0] ?? 0,
        firstPictureMs: extra.firstPictureMs === null ? null : Math.round(extra.firstPictureMs),
        results,
        pageErrors: extra.pageErrors.slice(0, 20),
        stateLog: extra.stateLog,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${file}`);
  if (bad.length) process.exitCode = 1;
}

main().then(
  // Nothing left to wait for (a socket's timer would hold the process a few seconds more).
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
