/**
 * `npm run bench:shift`: a dispatcher's shift (issue 15, "Measure"). The full demo with its default
 * settings (simulator on, every sweep on, and whatever else is on by default, e.g. simulated staff
 * on the new code) runs for BENCH_SHIFT_MINUTES with a desk open in headless Chromium, signed in
 * as the city-wide dispatcher and then left alone: no input, it only watches. With
 * BENCH_SHIFT_BASE (a checkout of the code before the issue, e.g.
 * `git worktree add --detach /tmp/before c26c23b && ln -s "$PWD/node_modules" /tmp/before/`) the
 * same shift runs on it at the same time on the same machine, each hub with its own port and data
 * dir (embedded PGlite), each desk in its own browser, so the two share whatever the machine does.
 *
 * For each it reports: open alarms by priority at the end; alarms raised per hour by priority
 * (alarms created during the shift, followed through GET /alarms?since=rev); popups shown on the
 * desk; incidents past their deadline at the end (% of all incidents, bench/shift-summary.ts);
 * frames the idle desk drew per minute (animation frames with a WebGL draw: bench/shift-page.ts)
 * and its long-task time; issue 15's goals (open P1 < 20, past deadline < 10 %, idle desk < 5
 * frames a minute) met or not; and base ÷ this. Rates of the desk are over the shift less its first
 * BENCH_SHIFT_SETTLE_S (the desk's own start-up work is not idleness).
 *
 * The bench's reads every sample go with the desk's own session (as bench/map.ts shares one): a
 * desk with no input would otherwise be signed out after SESSION_IDLE_MINUTES (30).
 *
 * Settings: BENCH_SHIFT_MINUTES (60), BENCH_SHIFT_SCALE (full|small, default full),
 * BENCH_SHIFT_BASE (none), BENCH_SHIFT_SAMPLE_S (30), BENCH_SHIFT_SETTLE_S (60, at most a quarter
 * of the shift), BENCH_SHIFT_HUB_ENV (more settings for both hubs, `K=V K=V`),
 * BENCH_SHIFT_READY_S (900: how long a hub may take to get ready), CHROMIUM_PATH.
 * Results: a markdown table on stdout; JSON and a screenshot of each desk at the end in bench/results/.
 */
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/e2e/chromium';
import { execSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { SESSION_COOKIE } from '@shared/auth';
import { AlarmTally, allIncidents, processUsage, signIn, startHub, stopHub, waitReady, type Hub } from './shift-hub';
import { DESK_INIT_SCRIPT, readDesk, type DeskCounters } from './shift-page';
import {
  alarmFigures,
  deskFigures,
  goals,
  incidentFigures,
  markdownTable,
  type IncidentRecord,
  type VariantFigures,
} from './shift-summary';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const MINUTES = Number(process.env.BENCH_SHIFT_MINUTES ?? 60);
const SCALE = process.env.BENCH_SHIFT_SCALE ?? 'full';
const BASE = process.env.BENCH_SHIFT_BASE ? resolve(process.env.BENCH_SHIFT_BASE) : undefined;
const SAMPLE_MS = Number(process.env.BENCH_SHIFT_SAMPLE_S ?? 30) * 1000;
const SETTLE_MS = Math.min(Number(process.env.BENCH_SHIFT_SETTLE_S ?? 60) * 1000, (MINUTES * 60_000) / 4);
const READY_MS = Number(process.env.BENCH_SHIFT_READY_S ?? 900) * 1000;
const HUB_ENV = Object.fromEntries(
  (process.env.BENCH_SHIFT_HUB_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const VIEWPORT = { width: 1280, height: 800 };
/** The desk's first draw at full scale on software WebGL, on a busy machine. */
const DRAWN_MS = 600_000;

if (!(MINUTES > 0) || !['full', 'small'].includes(SCALE) || !(SAMPLE_MS >= 1000)) {
  console.error('BENCH_SHIFT_MINUTES must be > 0, BENCH_SHIFT_SCALE full or small, BENCH_SHIFT_SAMPLE_S >= 1');
  process.exit(2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  atMin: number;
  desk: DeskCounters;
  /** Socket.IO data messages the desk received so far. */
  messages: number;
  openByPriority: Record<string, number>;
  url: string;
}

interface Variant {
  name: 'base' | 'this';
  root: string;
  commit: string | null;
  tmp: string[];
  hub?: Hub;
  browser?: Browser;
  page?: Page;
  cookie?: string;
  tally?: AlarmTally;
  messages: number;
  pageErrors: string[];
  samples: Sample[];
  cpuAtStart?: number;
}

/** The built client of the checkout, copied: a rebuild there during a long run must not change it. */
async function build(v: Variant): Promise<string> {
  v.commit = git(v.root, 'rev-parse HEAD');
  execSync('node scripts/build-if-needed.mjs', { cwd: v.root, stdio: 'inherit' });
  const dist = await mkdtemp(join(tmpdir(), `cd-bench-shift-dist-${v.name}-`));
  v.tmp.push(dist);
  await cp(join(v.root, 'dist'), dist, { recursive: true });
  return dist;
}

/** Ready, signed in, the desk open and drawn, the alarms followed from here on. */
async function open(v: Variant): Promise<void> {
  const hub = v.hub!;
  const t = performance.now();
  await waitReady(hub, READY_MS);
  console.log(`${v.name}: hub ready in ${Math.round((performance.now() - t) / 1000)} s at ${hub.base}`);
  const session = await signIn(hub.base, SESSION_COOKIE);
  v.cookie = `${SESSION_COOKIE}=${session}`;
  v.tally = new AlarmTally(hub.base, v.cookie);
  await v.tally.poll();
  v.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const context = await v.browser.newContext({
    viewport: VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
  });
  await context.addCookies([{ name: SESSION_COOKIE, value: session, url: hub.base }]);
  await context.addInitScript(DESK_INIT_SCRIPT);
  const page = (v.page = await context.newPage());
  page.on('pageerror', (e) => v.pageErrors.push(`pageerror: ${e.message.slice(0, 300)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') v.pageErrors.push(`console: ${m.text().slice(0, 300)}`);
  });
  // engine.io message packets ('4…'; '42' an event, '45…' a binary event's header), not pings.
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string' && f.payload.startsWith('4')) v.messages++;
    }),
  );
  await page.goto(`${hub.base}/desk`, { waitUntil: 'commit' });
  const drawnBy = performance.now() + DRAWN_MS;
  while (!(await page.evaluate<boolean>(`performance.getEntriesByName('desk:layers-drawn').length > 0`))) {
    if (performance.now() > drawnBy) throw new Error(`${v.name}: the desk did not draw within ${DRAWN_MS / 1000} s`);
    await sleep(500);
  }
  console.log(`${v.name}: desk drawn ${Math.round((performance.now() - t) / 1000)} s after start`);
}

async function sample(v: Variant, t0: number): Promise<Sample> {
  await v.tally!.poll();
  const open: Record<string, number> = {};
  for (const a of v.tally!.alarms.values())
    if (a.status === 'new' || a.status === 'acknowledged') open[a.priority] = (open[a.priority] ?? 0) + 1;
  const s: Sample = {
    atMin: Math.round((Date.now() - t0) / 600) / 100,
    desk: await readDesk(v.page!),
    messages: v.messages,
    openByPriority: open,
    url: new URL(v.page!.url()).pathname,
  };
  v.samples.push(s);
  return s;
}

function git(root: string, args: string): string | null {
  try {
    return execSync(`git ${args}`, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function figures(v: Variant, t0: number, t1: number, incidents: IncidentRecord[], cpuS: number | null): VariantFigures {
  const alarms = alarmFigures([...v.tally!.alarms.values()], t0, t1);
  const inc = incidentFigures(incidents, t1);
  const desk = deskFigures(
    v.samples.map((s) => s.desk),
    SETTLE_MS,
  );
  const from = v.samples.find((s) => s.desk.now - v.samples[0]!.desk.now >= SETTLE_MS) ?? v.samples[0]!;
  const last = v.samples[v.samples.length - 1]!;
  return {
    variant: v.name,
    alarms,
    incidents: inc,
    desk,
    hubCpuPct: cpuS === null ? null : Math.round((100 * cpuS) / ((t1 - t0) / 1000)),
    deskMessagesPerMin: desk.windowMin > 0 ? Math.round((last.messages - from.messages) / desk.windowMin) : NaN,
    goals: goals(alarms, inc, desk),
  };
}

async function main(): Promise<void> {
  const variants: Variant[] = (
    BASE ? [['base', BASE] as const, ['this', ROOT] as const] : [['this', ROOT] as const]
  ).map(([name, root]) => ({ name, root, commit: null, tmp: [], messages: 0, pageErrors: [], samples: [] }));
  const startedAt = new Date().toISOString();
  console.log(
    `shift: ${MINUTES} min, scale ${SCALE}, ${variants.map((v) => `${v.name} ${v.root}`).join(', ')}; sample every ${SAMPLE_MS / 1000} s, desk rates after ${SETTLE_MS / 1000} s`,
  );
  try {
    const dists: string[] = [];
    for (const v of variants) dists.push(await build(v));
    // Both hubs start together: the same simulated time before the shift, the same machine load.
    for (const [i, v] of variants.entries()) {
      const data = await mkdtemp(join(tmpdir(), `cd-bench-shift-data-${v.name}-`));
      v.tmp.push(data);
      v.hub = await startHub(v.root, { dataDir: data, staticDir: dists[i]!, scale: SCALE, extraEnv: HUB_ENV });
    }
    await Promise.all(variants.map(open));
    const t0 = Date.now();
    for (const v of variants) v.cpuAtStart = (await processUsage(v.hub!.proc.pid))?.cpuS;
    const end = t0 + MINUTES * 60_000;
    for (let next = t0; ; next = Math.min(end, next + SAMPLE_MS)) {
      await sleep(Math.max(0, next - Date.now()));
      // A failed read (a hub or page busy past a timeout) is left out, not the end of a long run.
      const got = await Promise.all(
        variants.map((v) =>
          sample(v, t0).catch((e: unknown) => {
            console.error(`${v.name}: sample failed: ${(e as Error).message.split('\n')[0]}`);
            return null;
          }),
        ),
      );
      console.log(
        `[${((Date.now() - t0) / 60_000).toFixed(1)}/${MINUTES} min] ${variants
          .map((v, i) => {
            const s = got[i];
            if (!s) return `${v.name}: —`;
            const o = s.openByPriority;
            return `${v.name}: open P1-4 ${o[1] ?? 0}/${o[2] ?? 0}/${o[3] ?? 0}/${o[4] ?? 0}, popups ${s.desk.popupsShown} (${s.desk.popupsOnScreen} on screen), frames ${s.desk.drawFrames}, long tasks ${Math.round(s.desk.longTaskMs)} ms${s.url === '/desk' ? '' : `, desk at ${s.url}`}`;
          })
          .join(' · ')}`,
      );
      if (next >= end) break;
    }
    const t1 = Date.now();
    const stamp = startedAt.replace(/[:.]/g, '-');
    await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
    const out: VariantFigures[] = [];
    const records: Record<string, unknown>[] = [];
    for (const v of variants) {
      const incidents = await allIncidents(v.hub!.base, v.cookie!);
      const usage = await processUsage(v.hub!.proc.pid);
      const cpuS = usage && v.cpuAtStart !== undefined ? usage.cpuS - v.cpuAtStart : null;
      const f = figures(v, t0, t1, incidents, cpuS);
      out.push(f);
      const shot = join(ROOT, 'bench', 'results', `shift-${stamp}-${v.name}.png`);
      await v.page!.screenshot({ path: shot }).catch(() => undefined);
      records.push({
        variant: v.name,
        root: v.root,
        commit: v.commit,
        figures: f,
        hubRssMb: usage?.rssMb ?? null,
        hubErrorLines: v.hub!.errorCount,
        hubErrors: v.hub!.errors,
        lateSnapshots: v.tally!.lateSnapshots,
        pageErrors: v.pageErrors.slice(0, 20),
        pageErrorCount: v.pageErrors.length,
        screenshot: shot,
        samples: v.samples,
      });
    }
    const title = `A ${MINUTES}-minute shift, ${SCALE} scale, ${VIEWPORT.width}×${VIEWPORT.height} desk on SwiftShader (${startedAt})`;
    const table = markdownTable(out, title);
    console.log(`\n${table}\n`);
    console.log(
      'frames: animation frames with a WebGL draw (MapLibre + deck.gl); popups: [data-testid="alarm-popup"] appearing; past deadline: open incidents with a stage clock past due, % of all incidents',
    );
    const file = join(ROOT, 'bench', 'results', `shift-${stamp}.json`);
    const json = {
      settings: {
        minutes: MINUTES,
        scale: SCALE,
        base: BASE ?? null,
        sampleMs: SAMPLE_MS,
        settleMs: SETTLE_MS,
        // Names only: a value may be a secret (a database URL, a key).
        hubEnv: Object.keys(HUB_ENV),
      },
      startedAt,
      shift: { from: new Date(t0).toISOString(), to: new Date(t1).toISOString() },
      machine: { cpus: cpus().length, loadAvgAtEnd: loadavg().map((x) => Math.round(x * 10) / 10) },
      chromiumArgs: CHROMIUM_ARGS,
      variants: records,
      markdown: table,
    };
    await writeFile(file, JSON.stringify(json, (_k, x: unknown) => (x === Infinity ? 'Infinity' : x), 2) + '\n');
    console.log(file);
  } finally {
    for (const v of variants) {
      await v.browser?.close().catch(() => undefined);
      if (v.hub) await stopHub(v.hub);
      for (const d of v.tmp) await rm(d, { recursive: true, force: true });
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
