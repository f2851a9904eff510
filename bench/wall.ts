/**
 * `npm run bench:wall`: the wall at 3840×2160 in headless Chromium (software WebGL here), issue 17's
 * "Measure". One hub of this checkout with its defaults and the simulator at BENCH_WALL_RATE events
 * a second (50), the full demo city; the wall signed in as the `wall` account, left alone.
 *
 * - first full picture: navigation start → the wall's `wall:drawn` mark (every layer loaded, then a
 *   deck.gl frame), as the page's own clock measures it;
 * - heap: the page's JS heap after a forced garbage collection (CDP), every BENCH_WALL_SAMPLE_S,
 *   over BENCH_WALL_MINUTES (30); flat means the least-squares slope over the run after the first
 *   BENCH_WALL_SETTLE_S is near zero (MB per 10 minutes), not one reading; DOM nodes and ECharts
 *   instances alongside (charts rotate out: their instances must not pile up);
 * - frame time while panels rotate: requestAnimationFrame intervals over the 4 s around each of the
 *   first BENCH_WALL_ROTATIONS rotations (the preset's dwell is set to BENCH_WALL_DWELL_S), p50 / p95 /
 *   max; and the whole run's long tasks (bench/shift-page.ts's counters).
 *
 * The wall has no "before" to compare with (it is new): the desk's figures at the same size are in
 * BENCHMARKS.md's map sections. Settings: BENCH_WALL_MINUTES (30), BENCH_WALL_SCALE (full),
 * BENCH_WALL_RATE (50), BENCH_WALL_SAMPLE_S (30), BENCH_WALL_SETTLE_S (120), BENCH_WALL_DWELL_S (15),
 * BENCH_WALL_ROTATIONS (6), BENCH_WALL_WIDTH / _HEIGHT (3840 / 2160), CHROMIUM_PATH.
 * Results: a table on stdout; JSON and a screenshot at the end in bench/results/.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { SESSION_COOKIE } from '@shared/auth';
import { DEFAULT_WALL_PRESET, DEFAULT_WALL_PRESET_ID } from '@shared/wall';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/e2e/chromium';
import { signIn, startHub, stopHub, waitReady } from './shift-hub';
import { DESK_INIT_SCRIPT, readDesk } from './shift-page';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const MINUTES = Number(process.env.BENCH_WALL_MINUTES ?? 30);
const SCALE = process.env.BENCH_WALL_SCALE ?? 'full';
const RATE = Number(process.env.BENCH_WALL_RATE ?? 50);
const SAMPLE_MS = Number(process.env.BENCH_WALL_SAMPLE_S ?? 30) * 1000;
const SETTLE_MS = Number(process.env.BENCH_WALL_SETTLE_S ?? 120) * 1000;
const DWELL_S = Number(process.env.BENCH_WALL_DWELL_S ?? 15);
const ROTATIONS = Number(process.env.BENCH_WALL_ROTATIONS ?? 6);
const WIDTH = Number(process.env.BENCH_WALL_WIDTH ?? 3840);
const HEIGHT = Number(process.env.BENCH_WALL_HEIGHT ?? 2160);
const READY_MS = 900_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface HeapSample {
  atMin: number;
  heapMb: number;
  nodes: number;
  charts: number;
  /** Alarms the page's store holds (open, and closed within the last ten minutes). */
  alarmsHeld: number;
}

/** The least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0;
};

/**
 * rAF intervals (ms) over `ms`, in the page. A string, not a function: tsx's transform would give a
 * function a `__name` helper the page does not have.
 */
function frameIntervals(page: Page, ms: number): Promise<number[]> {
  return page.evaluate<number[]>(`new Promise((res) => {
    const out = [];
    let last = performance.now();
    const end = last + ${Number(ms)};
    const tick = (t) => {
      out.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(tick);
      else res(out);
    };
    requestAnimationFrame(tick);
  })`);
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const work = await mkdtemp(join(tmpdir(), 'bench-wall-'));
  const hub = await startHub(ROOT, {
    dataDir: join(work, 'data'),
    staticDir: join(ROOT, 'dist'),
    scale: SCALE,
    extraEnv: { SIMULATOR_RATE: String(RATE) },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const t = performance.now();
    await waitReady(hub, READY_MS);
    console.log(`hub ready in ${Math.round((performance.now() - t) / 1000)} s (${SCALE} city)`);
    // The preset's dwell, so rotations come often enough to measure (put back at the end).
    const admin = await signIn(hub.base, SESSION_COOKIE, 'admin');
    const csrf = (
      (await (
        await fetch(`${hub.base}/api/v1/auth/session`, { headers: { cookie: `${SESSION_COOKIE}=${admin}` } })
      ).json()) as { csrfToken: string }
    ).csrfToken;
    const put = await fetch(`${hub.base}/api/v1/wall/presets/${DEFAULT_WALL_PRESET_ID}`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        cookie: `${SESSION_COOKIE}=${admin}`,
        'x-csrf-token': csrf,
        origin: hub.base,
      },
      body: JSON.stringify({ ...DEFAULT_WALL_PRESET, dwellSeconds: DWELL_S }),
    });
    if (put.status !== 200) throw new Error(`preset: HTTP ${put.status} ${await put.text()}`);

    const session = await signIn(hub.base, SESSION_COOKIE, 'wall');
    const context = await browser.newContext({
      viewport: { width: WIDTH, height: HEIGHT },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      deviceScaleFactor: 1,
    });
    await context.addCookies([{ name: SESSION_COOKIE, value: session, url: hub.base }]);
    await context.addInitScript(DESK_INIT_SCRIPT);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message.slice(0, 300)));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    await page.goto(`${hub.base}/wall`, { waitUntil: 'commit' });
    const drawnBy = performance.now() + 300_000;
    let firstPictureMs: number | null = null;
    while (firstPictureMs === null) {
      firstPictureMs = await page.evaluate<number | null>(
        `performance.getEntriesByName('wall:drawn')[0]?.startTime ?? null`,
      );
      if (performance.now() > drawnBy) throw new Error('the wall did not draw within 300 s');
      if (firstPictureMs === null) await sleep(250);
    }
    console.log(`first full picture: ${Math.round(firstPictureMs)} ms after navigation`);

    // Frame time around rotations.
    const rotationFrames: number[] = [];
    for (let i = 0; i < ROTATIONS; i++) {
      const before = await page.getAttribute('[data-testid="wall"]', 'data-rotating');
      while ((await page.getAttribute('[data-testid="wall"]', 'data-rotating')) === before) await sleep(100);
      rotationFrames.push(...(await frameIntervals(page, 4_000)).slice(1));
    }

    const heap: HeapSample[] = [];
    const t0 = Date.now();
    const endAt = t0 + MINUTES * 60_000;
    while (Date.now() < endAt) {
      await cdp.send('HeapProfiler.collectGarbage');
      const m = (await cdp.send('Performance.getMetrics')).metrics;
      const get = (n: string) => m.find((x) => x.name === n)?.value ?? 0;
      const charts = await page.evaluate<number>(`document.querySelectorAll('[_echarts_instance_]').length`);
      const held = Number(await page.getAttribute('[data-testid="wall"]', 'data-alarms-held'));
      const s = {
        alarmsHeld: held,
        atMin: Math.round((Date.now() - t0) / 600) / 100,
        heapMb: Math.round((get('JSHeapUsedSize') / 1048576) * 10) / 10,
        nodes: get('Nodes'),
        charts,
      };
      heap.push(s);
      console.log(
        `  ${s.atMin.toFixed(1)} min: heap ${s.heapMb} MB, ${s.nodes} DOM nodes, ${s.charts} charts, ${s.alarmsHeld} alarms held`,
      );
      await sleep(Math.min(SAMPLE_MS, Math.max(0, endAt - Date.now())));
    }
    const counters = await readDesk(page);
    // What the coverage sweep made of the run (the simulator's dispatches leave areas uncovered).
    const coverage = (await (
      await fetch(`${hub.base}/api/v1/coverage`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } })
    ).json()) as { gaps: unknown[] };
    const openAlarms = (await (
      await fetch(`${hub.base}/api/v1/alarms`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } })
    ).json()) as { alarms?: { event: { type: string } }[] };
    await page
      .screenshot({ path: join(ROOT, 'bench/results', `wall-${startedAt.replace(/[:.]/g, '-')}.png`) })
      .catch(() => undefined);
    const settled = heap.filter((s) => s.atMin * 60_000 >= Math.min(SETTLE_MS, (MINUTES * 60_000) / 4));
    const slopePer10 =
      slope(
        settled.map((s) => s.atMin),
        settled.map((s) => s.heapMb),
      ) * 10;
    const result = {
      size: `${WIDTH}x${HEIGHT}`,
      scale: SCALE,
      ratePerSec: RATE,
      minutes: MINUTES,
      firstPictureMs: Math.round(firstPictureMs),
      heap: {
        firstMb: heap[0]?.heapMb ?? null,
        lastMb: heap.at(-1)?.heapMb ?? null,
        maxMb: Math.max(...heap.map((s) => s.heapMb)),
        slopeMbPer10Min: Math.round(slopePer10 * 100) / 100,
        nodesFirst: heap[0]?.nodes ?? null,
        nodesLast: heap.at(-1)?.nodes ?? null,
        chartsMax: Math.max(...heap.map((s) => s.charts)),
      },
      rotationFrameMs: {
        n: rotationFrames.length,
        p50: Math.round(pct(rotationFrames, 50) * 10) / 10,
        p95: Math.round(pct(rotationFrames, 95) * 10) / 10,
        max: Math.round(Math.max(...rotationFrames) * 10) / 10,
      },
      longTasks: { count: counters.longTasks, totalMs: Math.round(counters.longTaskMs) },
      coverage: {
        openGapsAtEnd: coverage.gaps.length,
        openGapAlarms: (openAlarms.alarms ?? []).filter((a) => a.event.type === 'coverage_gap').length,
      },
      pageErrors: errors.slice(0, 10),
      hubErrors: hub.errorCount,
      load: loadavg()[0] ?? 0,
      heapSamples: heap,
    };
    console.log(
      `\n| size | first full picture | heap first → last (max) | heap slope | DOM nodes | charts alive (max) | frame p50 / p95 / max while rotating | long tasks |\n|---|---|---|---|---|---|---|---|\n` +
        `| ${result.size} | ${result.firstPictureMs} ms | ${result.heap.firstMb} → ${result.heap.lastMb} MB (${result.heap.maxMb}) | ${result.heap.slopeMbPer10Min} MB / 10 min | ${result.heap.nodesFirst} → ${result.heap.nodesLast} | ${result.heap.chartsMax} | ${result.rotationFrameMs.p50} / ${result.rotationFrameMs.p95} / ${result.rotationFrameMs.max} ms | ${result.longTasks.count} (${result.longTasks.totalMs} ms) |`,
    );
    console.log(
      `coverage gaps open at the end: ${result.coverage.openGapsAtEnd} (open gap alarms ${result.coverage.openGapAlarms})`,
    );
    if (errors.length) console.log(`page errors: ${errors.slice(0, 5).join(' | ')}`);
    await mkdir(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', `wall-${startedAt.replace(/[:.]/g, '-')}.json`);
    await writeFile(file, JSON.stringify({ startedAt, command: 'npm run bench:wall', result }, null, 2));
    console.log(`→ ${file}`);
  } finally {
    await browser.close();
    await stopHub(hub);
    await rm(work, { recursive: true, force: true });
  }
}

await main();
