/**
 * `npx tsx bench/map.ts`: the live map in headless Chromium, side by side with a baseline page in
 * one run (issue 3).
 *
 *  - desk: the app's `/desk` (13 static layers in the compact form, deck.gl over MapLibre), timed
 *    to its `desk:layers-drawn` User Timing mark (every layer loaded, then a deck.gl frame).
 *  - baseline: a bare page on the same origin that loads the same 13 layers as plain MapLibre
 *    GeoJSON sources (circle / fill+line / line layers over a background), timed to
 *    `baseline:layers-drawn` (every source loaded, then the map `idle`). It is served by Playwright
 *    (`context.route`), not by the hub, with MapLibre's ESM build from node_modules.
 *
 * For each page: navigation → every layer drawn (the mark's startTime); "at full size": the same,
 * or later when a WebGL canvas only got its on-screen size after the mark (the desk's deck.gl
 * overlay can draw its first frames into the default 300x150 buffer; canvas size assignments are
 * hooked to see it); main-thread long tasks between navigation and drawn (count, total, max, with
 * Long Animation Frame script attribution for the long ones) and after it; JS heap after a forced
 * GC (main thread, and each dedicated worker through the browser's CDP session); the gzip (level
 * 9) bytes of every script the page loaded until drawn (+0.5 s), workers included. The hub serves
 * a snapshot of dist/ taken at the start, so a rebuild meanwhile cannot mix builds. `/overview` is
 * loaded once for its initial JS. Each page runs BENCH_MAP_REPEAT times in a fresh browser context,
 * desk and baseline alternating (which one goes first alternates per round); medians and ratios
 * (baseline ÷ desk) are reported, as the machine is shared and noisy.
 *
 * One extra desk load runs under the V8 CPU profiler (left out of the medians) to say where the
 * long frames go (BENCH_MAP_PROFILE=0 skips it). A function named `set` in its output is the
 * canvas size hook, i.e. the time of the `canvas.width`/`height` assignment itself.
 *
 * The hub needs a session for everything: the bench signs its demo `viewer` in once (DEMO_PASSWORD
 * below is the in-process hub's demo password) and gives each browser context that session's cookie,
 * so sign-in is not part of any page's timing.
 *
 * Settings: BENCH_SCALE (full|small, default full), BENCH_MAP_REPEAT (default 3),
 * BENCH_MAP_TIMEOUT_MS (per page, default 120000), BENCH_MAP_PROFILE (default 1),
 * CHROMIUM_PATH (default /usr/bin/chromium).
 * Results: a printed table and bench/results/map-<timestamp>.json.
 */
import { CHROMIUM_ARGS as BASE_CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/e2e/chromium';
import { execSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Page,
  type Response,
} from '@playwright/test';
import { pino } from 'pino';
import { createApp } from '@server/app';
import type { Config } from '@server/core/config';
import { API_PREFIX, type LayerIndex, type WorldSummary } from '@shared/api';
import { SESSION_COOKIE } from '@shared/auth';
import { tempDir } from '../tests/integration/helpers';

const scale = (process.env.BENCH_SCALE ?? 'full') as 'full' | 'small';
const repeat = Math.max(1, Number(process.env.BENCH_MAP_REPEAT ?? 3));
const drawTimeoutMs = Number(process.env.BENCH_MAP_TIMEOUT_MS ?? 120_000);
const profileDesk = process.env.BENCH_MAP_PROFILE !== '0';
const seed = 20260101;
const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM_ARGS = [...BASE_CHROMIUM_ARGS, '--enable-precise-memory-info'];
/** The in-process hub's demo accounts' password (the bench's own hub, its own temporary database). */
const DEMO_PASSWORD = 'bench-demo-pass-2026';
const BENCH_USER = 'viewer';

const r1 = (x: number): number => Math.round(x * 10) / 10;
const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const kb = (b: number): string => `${r1(b / 1024)} KB`;
const mb = (b: number): number => r1(b / 2 ** 20);

// ---------------------------------------------------------------------------------------------
// The baseline page (MapLibre GeoJSON sources), served through Playwright routes.

type GeomKind = 'point' | 'line' | 'polygon';
interface BaselineLayer {
  name: string;
  url: string;
  kinds: GeomKind[];
}

const PALETTE = [
  '#4cc3ff',
  '#ffb347',
  '#7bd389',
  '#ff6b6b',
  '#c39bff',
  '#ffd84c',
  '#4cffd2',
  '#ff8fd1',
  '#a0b4ff',
  '#ffa07a',
  '#9be564',
  '#f4a261',
  '#e9c46a',
];

function baselineHtml(layers: BaselineLayer[], bbox: WorldSummary['bbox'], box: MapBox): string {
  const config = JSON.stringify({ layers, bbox, palette: PALETTE });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>baseline: MapLibre GeoJSON sources</title>
<link rel="stylesheet" href="/__bench/maplibre-gl.css">
<style>html,body{margin:0;height:100%;background:#0b1220}#map{position:absolute;left:${box.x}px;top:${box.y}px;width:${box.width}px;height:${box.height}px}</style>
</head><body><div id="map"></div>
<script type="module">
import * as maplibregl from '/__bench/maplibre-gl.mjs';
const cfg = ${config};
const b = cfg.bbox;
const map = new maplibregl.Map({
  container: 'map',
  style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0b1220' } }] },
  bounds: [[b[0], b[1]], [b[2], b[3]]],
  attributionControl: false,
  canvasContextAttributes: { preserveDrawingBuffer: true },
});
window.__baselineMap = map;
const pending = new Set(cfg.layers.map((l) => l.name));
window.__baselinePending = pending;
let done = false;
map.on('error', (e) => { window.__baselineErrors = (window.__baselineErrors || []).concat(String(e && e.error && e.error.message || e)); });
map.on('sourcedata', (e) => {
  if (done || !e.sourceId || !pending.has(e.sourceId) || !map.isSourceLoaded(e.sourceId)) return;
  pending.delete(e.sourceId);
  performance.mark('baseline:source-loaded:' + e.sourceId);
  if (pending.size > 0) return;
  done = true;
  performance.mark('baseline:layers-loaded');
  const check = () => {
    if (map.loaded() && cfg.layers.every((l) => map.isSourceLoaded(l.name))) {
      // As the desk does: wait for the GPU to finish the frame (a one-pixel read-back), then mark.
      const gl = map.getCanvas().getContext('webgl2');
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
      performance.mark('baseline:layers-drawn');
    }
    else map.once('idle', check);
  };
  map.once('idle', check);
  map.triggerRepaint();
});
map.on('load', () => {
  cfg.layers.forEach((l, i) => {
    const color = cfg.palette[i % cfg.palette.length];
    map.addSource(l.name, { type: 'geojson', data: l.url });
    const only = (t) => ['==', ['geometry-type'], t];
    const many = l.kinds.length > 1;
    if (l.kinds.includes('polygon')) {
      map.addLayer({ id: l.name + '-fill', type: 'fill', source: l.name, ...(many ? { filter: only('Polygon') } : {}), paint: { 'fill-color': color, 'fill-opacity': 0.15 } });
      map.addLayer({ id: l.name + '-outline', type: 'line', source: l.name, ...(many ? { filter: only('Polygon') } : {}), paint: { 'line-color': color, 'line-width': 1 } });
    }
    if (l.kinds.includes('line')) {
      map.addLayer({ id: l.name + '-line', type: 'line', source: l.name, ...(many ? { filter: only('LineString') } : {}), paint: { 'line-color': color, 'line-width': 2 } });
    }
    if (l.kinds.includes('point')) {
      map.addLayer({ id: l.name + '-circle', type: 'circle', source: l.name, ...(many ? { filter: only('Point') } : {}), paint: { 'circle-color': color, 'circle-radius': 2.5, 'circle-stroke-width': 0 } });
    }
  });
});
</script></body></html>`;
}

const require_ = createRequire(import.meta.url);
const maplibreDist = dirname(require_.resolve('maplibre-gl/dist/maplibre-gl.css'));

async function routeBaseline(context: BrowserContext, html: string): Promise<void> {
  const files: Record<string, string> = {
    'maplibre-gl.mjs': 'text/javascript',
    'maplibre-gl-worker.mjs': 'text/javascript',
    'maplibre-gl.css': 'text/css',
  };
  await context.route('**/__bench/**', async (route) => {
    const url = new URL(route.request().url());
    const file = url.pathname.slice('/__bench/'.length);
    if (file === 'baseline.html')
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    const type = files[file];
    if (!type) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: type, body: await readFile(join(maplibreDist, file)) });
  });
}

// ---------------------------------------------------------------------------------------------
// One page load, measured.

/** Installed before any page script: long tasks and long animation frames, buffered. */
const INIT_SCRIPT = `(() => {
  if (window.__bench) return;
  const b = (window.__bench = { longtasks: [], loaf: [], resizes: [] });
  // Canvas drawing-buffer resizes of canvases on the page (a WebGL resize waits for the GPU).
  for (const p of ['width', 'height']) {
    const d = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, p);
    Object.defineProperty(HTMLCanvasElement.prototype, p, {
      configurable: true, enumerable: d.enumerable,
      get() { return d.get.call(this); },
      set(v) {
        const from = d.get.call(this);
        const start = performance.now();
        d.set.call(this, v);
        if (this.isConnected && from !== d.get.call(this)) b.resizes.push({ canvas: this.className || this.id || 'canvas', prop: p, from, to: d.get.call(this), start, end: performance.now() });
      },
    });
  }
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  } catch (e) { b.longtaskError = String(e); }
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        b.loaf.push({
          start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          styleAndLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          scripts: (e.scripts || []).map((s) => ({ duration: s.duration, invoker: s.invoker, invokerType: s.invokerType, source: s.sourceURL, fn: s.sourceFunctionName, at: s.sourceCharPosition, forcedLayout: s.forcedStyleAndLayoutDuration })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (e) { b.loafError = String(e); }
})();`;

type PageKind = 'desk' | 'baseline' | 'overview';
interface MapBox {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface ScriptRecord {
  url: string;
  file: string;
  rawBytes: number;
  gzipBytes: number;
  worker: boolean;
}
interface CanvasResize {
  canvas: string;
  prop: 'width' | 'height';
  from: number;
  to: number;
  /** ms since navigation start; end - start is how long the assignment blocked */
  start: number;
  end: number;
}
interface LongTask {
  start: number;
  duration: number;
}
interface Loaf {
  start: number;
  duration: number;
  blocking: number;
  render: number;
  styleAndLayout: number;
  scripts: {
    duration: number;
    invoker: string;
    invokerType: string;
    source: string;
    fn: string;
    at: number;
    forcedLayout: number;
  }[];
}
interface LayerFetch {
  layer: string;
  status: number;
  /** ms since navigation start: request sent, response complete (null when it never finished). */
  start: number;
  end: number | null;
  encodedBytes: number | null;
}
export interface PageResult {
  page: PageKind;
  round: number;
  ok: boolean;
  failure?: string;
  /** navigation start → every layer drawn (mark startTime), ms */
  drawnMs?: number;
  /** navigation start → the first frame with every layer and every canvas at its on-screen size */
  drawnFullSizeMs?: number;
  canvasResizes?: CanvasResize[];
  /** navigation start → every layer's data in (mark startTime), ms */
  loadedMs?: number;
  domContentLoadedMs?: number;
  longTasks?: { count: number; totalMs: number; maxMs: number; list: LongTask[] };
  longFrames?: Loaf[];
  longFramesAfterDrawn?: Loaf[];
  afterDrawn?: { windowMs: number; longTaskTotalMs: number; longTaskMaxMs: number };
  heap?: { mainUsedMb: number; mainTotalMb: number; workersUsedMb: number | null; workers: number };
  scripts?: ScriptRecord[];
  scriptGzipBytes?: number;
  scriptRawBytes?: number;
  layerFetches?: LayerFetch[];
  mapBox?: MapBox;
  profile?: ProfileSummary;
  errors: string[];
  wallMs: number;
}

/**
 * Wait until an expression is true in the page. Polled from here with Runtime.evaluate: the app's
 * CSP (no 'unsafe-eval') refuses Playwright's string predicates in waitForFunction.
 */
async function poll(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if ((await page.evaluate<unknown>(expression)) === true) return;
    if (page.isClosed()) throw new Error('page closed');
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function heapOf(page: Page, cdp: CDPSession): Promise<NonNullable<PageResult['heap']>> {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const main = await cdp.send('Runtime.getHeapUsage');
  // Dedicated workers too: the GeoJSON baseline keeps its data (geojson-vt) in MapLibre's workers,
  // the desk its layer bytes and search index in its layer worker, so the main thread alone would
  // flatter the baseline. Playwright gives no CDP session for a worker: attach from the browser
  // session (non-flattened) and talk to each worker of this page's context by message.
  const own = await cdp.send('Target.getTargetInfo');
  const browserCdp = await page.context().browser()!.newBrowserCDPSession();
  let workersUsed = 0;
  let workers = 0;
  let reached = 0;
  try {
    const { targetInfos } = await browserCdp.send('Target.getTargets');
    for (const t of targetInfos.filter(
      (x) => x.type === 'worker' && x.browserContextId === own.targetInfo.browserContextId,
    )) {
      workers++;
      try {
        const { sessionId } = await browserCdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
        const replies = new Map<number, (r: { result?: { usedSize?: number }; error?: { message: string } }) => void>();
        const onMessage = (e: { sessionId: string; message: string }): void => {
          if (e.sessionId !== sessionId) return;
          const msg = JSON.parse(e.message) as {
            id?: number;
            result?: { usedSize?: number };
            error?: { message: string };
          };
          if (msg.id !== undefined) replies.get(msg.id)?.(msg);
        };
        browserCdp.on('Target.receivedMessageFromTarget', onMessage);
        const call = (id: number, method: string) =>
          new Promise<{ result?: { usedSize?: number }; error?: { message: string } }>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 10_000);
            replies.set(id, (r) => {
              clearTimeout(timer);
              resolve(r);
            });
            void browserCdp
              .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
              .catch(reject);
          });
        await call(1, 'HeapProfiler.enable');
        await call(2, 'HeapProfiler.collectGarbage');
        const h = await call(3, 'Runtime.getHeapUsage');
        browserCdp.off('Target.receivedMessageFromTarget', onMessage);
        await browserCdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
        if (h.result?.usedSize !== undefined) {
          workersUsed += h.result.usedSize;
          reached++;
        }
      } catch {
        // A worker that went away meanwhile: reported through workersUsedMb = null.
      }
    }
  } finally {
    await browserCdp.detach().catch(() => undefined);
  }
  return {
    mainUsedMb: mb(main.usedSize),
    mainTotalMb: mb(main.totalSize),
    workersUsedMb: reached === workers ? mb(workersUsed) : null,
    workers,
  };
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}
interface ProfileSummary {
  sampledMs: number;
  /** Where main-thread time went, by function (self time), over the whole load. */
  topSelf: { fn: string; ms: number }[];
  /** The function the longest frame ran (from the Long Animation Frame entry), and below it. */
  frameRoot: string | null;
  underRootSelf: { fn: string; ms: number }[];
  underRootInclusive: { fn: string; ms: number }[];
}

/** Self and inclusive time per function from a V8 CPU profile (main thread of the page). */
function summariseProfile(profile: CpuProfile, rootFn: string | null): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: CpuProfileNode): string => {
    const f = n.callFrame;
    const file = f.url ? f.url.split('/').pop() : '';
    return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const underSelf = new Map<string, number>();
  const underIncl = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  let total = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const leaf = byId.get(samples[i]!);
    if (!leaf || leaf.callFrame.functionName === '(idle)') continue;
    total += ms;
    add(self, label(leaf), ms);
    if (!rootFn) continue;
    // The stack from the leaf up; is the frame's root function on it?
    const stack: CpuProfileNode[] = [];
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!);
    const at = stack.findIndex((n) => n.callFrame.functionName === rootFn);
    if (at < 0) continue;
    add(underSelf, label(leaf), ms);
    for (const k of new Set(stack.slice(0, at).map(label))) add(underIncl, k, ms);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([fn, ms]) => ({ fn, ms: r1(ms) }));
  return {
    sampledMs: r1(total),
    topSelf: top(self, 15),
    frameRoot: rootFn,
    underRootSelf: top(underSelf, 15),
    underRootInclusive: top(underIncl, 15),
  };
}

async function measure(
  browser: Browser,
  base: string,
  session: string,
  kind: PageKind,
  round: number,
  baseline: string | null,
  profile = false,
): Promise<PageResult> {
  const t0 = performance.now();
  const context = await browser.newContext({
    viewport: VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
  });
  const errors: string[] = [];
  const result: PageResult = { page: kind, round, ok: false, errors, wallMs: 0 };
  try {
    // Signed in already (the one bench session): the page goes straight to its screen.
    await context.addCookies([{ name: SESSION_COOKIE, value: session, url: base }]);
    if (baseline) await routeBaseline(context, baseline);
    await context.addInitScript(INIT_SCRIPT);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text().slice(0, 300)}`);
    });
    page.on('crash', () => errors.push('page crashed'));

    // Every script (documents' and workers') and every layer response, until drawn.
    const scriptBodies: Promise<ScriptRecord | null>[] = [];
    const layerResponses: Response[] = [];
    let recording = true;
    const onResponse = (res: Response): void => {
      if (!recording) return;
      const req = res.request();
      const url = new URL(res.url());
      if (url.pathname.startsWith(`${API_PREFIX}/layers/`)) layerResponses.push(res);
      if (res.status() >= 400) errors.push(`HTTP ${res.status()} ${url.pathname}`);
      const type = req.resourceType();
      const ct = res.headers()['content-type'] ?? '';
      const isScript = type === 'script' || /javascript|ecmascript/.test(ct) || /\.(m?js)$/.test(url.pathname);
      if (!isScript || res.status() !== 200) return;
      scriptBodies.push(
        res.body().then(
          (body) => ({
            url: url.pathname,
            file: url.pathname.split('/').pop() ?? url.pathname,
            rawBytes: body.byteLength,
            gzipBytes: gzipSync(body, { level: 9 }).byteLength,
            worker: /worker/i.test(url.pathname),
          }),
          () => null,
        ),
      );
    };
    context.on('response', onResponse);

    // The profiled run is an extra one, left out of the medians (sampling slows the page).
    const profiler = profile ? await context.newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.send('Profiler.start');
    }
    const path = kind === 'desk' ? '/desk' : kind === 'overview' ? '/overview' : '/__bench/baseline.html';
    await page.goto(base + path, { waitUntil: 'commit', timeout: drawTimeoutMs });
    const doneMark = kind === 'desk' ? 'desk:layers-drawn' : kind === 'baseline' ? 'baseline:layers-drawn' : null;
    try {
      if (doneMark) {
        await poll(page, `performance.getEntriesByName(${JSON.stringify(doneMark)}).length > 0`, drawTimeoutMs);
      } else {
        // The overview has no drawn mark: its district table is its last piece of content.
        await page.waitForLoadState('load', { timeout: drawTimeoutMs });
        await poll(
          page,
          `!document.querySelector('[data-testid="world-loading"]') && !!document.querySelector('table, .n-data-table')`,
          drawTimeoutMs,
        );
        await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
      }
      if (doneMark) {
        // The mark can come before a WebGL canvas has its real size (a first frame drawn into the
        // default 300x150 buffer, stretched): wait until every canvas on the page has its size.
        const sized = `[...document.querySelectorAll('canvas')].filter((c) => c.clientWidth > 0).every((c) => Math.abs(c.width - c.clientWidth * devicePixelRatio) <= 1 && Math.abs(c.height - c.clientHeight * devicePixelRatio) <= 1)`;
        await poll(page, sized, 60_000).catch(() =>
          errors.push('a canvas never reached its on-screen size within 60 s of the drawn mark'),
        );
      }
      result.ok = true;
    } catch (e) {
      result.failure = `not drawn within ${drawTimeoutMs} ms (${(e as Error).message.split('\n')[0]})`;
      // What the page was waiting for: layer statuses shown on the page, pending baseline sources.
      const state = await page
        .evaluate<unknown>(
          `({ desk: document.querySelector('.desk')?.getAttribute('data-drawn') ?? null,
              status: [...document.querySelectorAll('.desk__status')].map((e) => e.textContent.trim()),
              pending: window.__baselinePending ? [...window.__baselinePending] : null,
              baselineErrors: window.__baselineErrors ?? null,
              marks: performance.getEntriesByType('mark').map((m) => m.name + '@' + Math.round(m.startTime)) })`,
        )
        .catch(() => null);
      if (state) result.failure += ` — page state: ${JSON.stringify(state)}`;
    }
    // Long Animation Frame entries are reported after their frame ends, and observers get them
    // asynchronously: give the last frames (the one that drew included) time to arrive. Scripts
    // that start loading in that half second (a worker the map spins up) count as initial JS.
    await page.waitForTimeout(500);
    recording = false;
    context.off('response', onResponse);

    const timings = await page.evaluate<{
      drawn: number | null;
      loaded: number | null;
      dcl: number | null;
      longtasks: LongTask[];
      loaf: Loaf[];
      resizes: CanvasResize[];
      observerErrors: string[];
      box: MapBox | null;
      now: number;
    }>(`(() => {
      const m = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        drawn: m(${JSON.stringify(doneMark ?? '')}),
        loaded: m(${JSON.stringify(kind === 'desk' ? 'desk:layers-loaded' : 'baseline:layers-loaded')}),
        dcl: nav ? nav.domContentLoadedEventEnd : null,
        longtasks: window.__bench?.longtasks ?? [],
        loaf: window.__bench?.loaf ?? [],
        resizes: window.__bench?.resizes ?? [],
        observerErrors: [window.__bench?.longtaskError, window.__bench?.loafError].filter(Boolean),
        box: (() => { const c = document.querySelector(${JSON.stringify(kind === 'baseline' ? '#map' : '.maplibregl-canvas')}); if (!c) return null; const r = c.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })(),
        now: performance.now(),
      };
    })()`);
    errors.push(...timings.observerErrors.map((e) => `observer: ${e}`));
    // Every layer drawn at full size: the drawn mark, or, when a canvas still got its real size
    // after it, the end of the frame in which the last resize happened (the frame draws after it).
    result.canvasResizes = timings.resizes.map((r) => ({ ...r, start: r1(r.start), end: r1(r.end) }));
    const lastResize = timings.resizes.reduce<CanvasResize | null>((a, r) => (!a || r.end > a.end ? r : a), null);
    if (timings.drawn !== null) {
      let full = timings.drawn;
      if (lastResize && lastResize.end > timings.drawn) {
        const frame = timings.loaf.find((f) => f.start <= lastResize.end && lastResize.end <= f.start + f.duration);
        full = frame ? frame.start + frame.duration : lastResize.end;
      }
      result.drawnFullSizeMs = r1(full);
    }
    const until = Math.max(timings.drawn ?? timings.now, result.drawnFullSizeMs ?? 0);
    const lts = timings.longtasks.filter((t) => t.start < until);
    result.drawnMs = timings.drawn !== null ? r1(timings.drawn) : undefined;
    result.loadedMs = timings.loaded !== null ? r1(timings.loaded) : undefined;
    result.domContentLoadedMs = timings.dcl !== null ? r1(timings.dcl) : undefined;
    if (kind === 'overview') result.drawnMs = r1(timings.now);
    result.longTasks = {
      count: lts.length,
      totalMs: r1(lts.reduce((s, t) => s + t.duration, 0)),
      maxMs: r1(lts.reduce((s, t) => Math.max(s, t.duration), 0)),
      list: lts.map((t) => ({ start: r1(t.start), duration: r1(t.duration) })),
    };
    // Work that came after drawn, up to when this harness could read the page (it waits for a free
    // main thread): the page is on screen but not yet responsive during these.
    const after = timings.longtasks.filter((t) => t.start >= until);
    result.afterDrawn = {
      windowMs: r1(timings.now - until),
      longTaskTotalMs: r1(after.reduce((a, t) => a + t.duration, 0)),
      longTaskMaxMs: r1(after.reduce((a, t) => Math.max(a, t.duration), 0)),
    };
    result.longFrames = timings.loaf.filter((f) => f.start < until && f.duration >= 150);
    result.longFramesAfterDrawn = timings.loaf.filter((f) => f.start >= until && f.duration >= 150);
    if (profiler) {
      const { profile: p } = await profiler.send('Profiler.stop');
      const longest = [...result.longFrames].sort((a, b) => b.duration - a.duration)[0];
      const rootFn = longest ? ([...longest.scripts].sort((a, b) => b.duration - a.duration)[0]?.fn ?? null) : null;
      result.profile = summariseProfile(p, rootFn || null);
    }
    result.mapBox = timings.box ?? undefined;

    const cdp = await context.newCDPSession(page);
    result.heap = await heapOf(page, cdp).catch((e: unknown) => {
      errors.push(`heap: ${(e as Error).message}`);
      return undefined;
    });

    const scripts = (await Promise.all(scriptBodies)).filter((s): s is ScriptRecord => s !== null);
    scripts.sort((a, b) => b.gzipBytes - a.gzipBytes);
    result.scripts = scripts;
    result.scriptGzipBytes = scripts.reduce((s, x) => s + x.gzipBytes, 0);
    result.scriptRawBytes = scripts.reduce((s, x) => s + x.rawBytes, 0);

    const navStart = await page.evaluate<number>('performance.timeOrigin');
    result.layerFetches = await Promise.all(
      layerResponses.map(async (res) => {
        const t = res.request().timing();
        const sizes = await res
          .request()
          .sizes()
          .catch(() => null);
        const name = decodeURIComponent(new URL(res.url()).pathname.slice(`${API_PREFIX}/layers/`.length));
        // timing.startTime is wall-clock ms; responseEnd is relative to it (-1 when unknown).
        const end = t.responseEnd >= 0 ? r1(t.startTime + t.responseEnd - navStart) : null;
        return {
          layer: name,
          status: res.status(),
          start: r1(t.startTime - navStart),
          end,
          encodedBytes: sizes ? sizes.responseBodySize : null,
        };
      }),
    );
    result.layerFetches.sort((a, b) => (a.end ?? Infinity) - (b.end ?? Infinity));
  } catch (e) {
    result.ok = false;
    result.failure = `${result.failure ? result.failure + '; ' : ''}${(e as Error).message.split('\n')[0]}`;
  } finally {
    await context.close().catch(() => undefined);
    result.wallMs = r1(performance.now() - t0);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

function cfg(dataDir: string, staticDir: string): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: undefined,
    demoScale: scale,
    demoSeed: seed,
    logLevel: 'silent',
    staticDir,
    // Generous request limits: one bench session loads every layer many times in a few minutes.
    auth: {
      demoPassword: DEMO_PASSWORD,
      rateLimits: { userPerMin: 100_000, addressPerMin: 100_000, loginPer15Min: 1_000 },
    },
  };
}

/** The commit and whether the working tree differs from it (read-only git), for the record. */
function sourceState(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execSync('git rev-parse HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty =
      execSync('git status --porcelain -- client server shared', {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

function geomKind(type: string): GeomKind | null {
  if (type === 'Point' || type === 'MultiPoint') return 'point';
  if (type === 'LineString' || type === 'MultiLineString') return 'line';
  if (type === 'Polygon' || type === 'MultiPolygon') return 'polygon';
  return null;
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    scale,
    seed,
    repeat,
    node: process.version,
    startedAt: new Date().toISOString(),
    viewport: VIEWPORT,
    chromiumArgs: CHROMIUM_ARGS,
    cpus: cpus().length,
    loadAvgAtStart: loadavg().map(r1),
    note: 'WebGL through SwiftShader (software rendering, no GPU): draw and frame times are far slower than on a GPU; read ratios.',
  };

  execSync('node scripts/build-if-needed.mjs', { stdio: 'inherit' });

  // Serve a snapshot of dist/: a rebuild by someone else during the run must not change the pages
  // between rounds.
  const staticDir = await tempDir('cd-bench-map-dist-');
  await cp('dist', staticDir.path, { recursive: true });
  results.source = sourceState();
  results.build = (await readdir(join(staticDir.path, 'assets'))).filter((f) => /\.m?js$/.test(f)).sort();
  const dir = await tempDir('cd-bench-map-');
  const hub = createApp(cfg(dir.path, staticDir.path), { logger: pino({ level: 'silent' }) });
  let browser: Browser | null = null;
  try {
    const tReady = performance.now();
    const addr = await hub.listen();
    await hub.ready;
    const base = `http://127.0.0.1:${addr.port}`;
    console.log(`hub (${scale}) ready in ${r1((performance.now() - tReady) / 1000)} s at ${base}`);

    const session = await signIn(base);
    const cookie = `${SESSION_COOKIE}=${session}`;
    const summary = (await (
      await fetch(`${base}${API_PREFIX}/world/summary`, { headers: { cookie } })
    ).json()) as WorldSummary;
    const index = (await (await fetch(`${base}${API_PREFIX}/layers`, { headers: { cookie } })).json()) as LayerIndex;

    // Warm the hub's layer caches in both forms (both pages then get cached responses), and learn
    // each layer's geometry types for the baseline's style layers.
    const baselineLayers: BaselineLayer[] = [];
    const layerBytes: Record<string, { features: number; compactBr: number; geojsonBr: number }> = {};
    for (const l of index.layers) {
      const compact = await fetch(base + l.compactUrl, { headers: { 'accept-encoding': 'br', cookie } });
      await compact.arrayBuffer();
      const geo = await fetch(base + l.geojsonUrl, { headers: { 'accept-encoding': 'br', cookie } });
      const fc = (await geo.json()) as { features: { geometry: { type: string } | null }[] };
      const kinds = new Set<GeomKind>();
      for (const f of fc.features) {
        const k = f.geometry && geomKind(f.geometry.type);
        if (k) kinds.add(k);
      }
      baselineLayers.push({ name: l.name, url: base + l.geojsonUrl, kinds: [...kinds] });
      // Wire sizes (brotli), from a HEAD-free second request of each form with raw bytes counted.
      layerBytes[l.name] = {
        features: l.count,
        compactBr: await wireBytes(base + l.compactUrl, cookie),
        geojsonBr: await wireBytes(base + l.geojsonUrl, cookie),
      };
    }
    results.layers = baselineLayers.map((l) => ({ name: l.name, kinds: l.kinds, ...layerBytes[l.name] }));
    console.log(
      `layers: ${baselineLayers.map((l) => `${l.name} (${layerBytes[l.name]!.features}, ${l.kinds.join('+')})`).join(', ')}`,
    );

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    results.browser = browser.version();

    const runs: PageResult[] = [];
    const log = (r: PageResult): void => {
      runs.push(r);
      const lt = r.longTasks;
      const heap = r.heap
        ? `heap ${r.heap.mainUsedMb} MB main + ${r.heap.workersUsedMb ?? '?'} MB in ${r.heap.workers} workers`
        : 'heap ?';
      console.log(
        `  ${r.page.padEnd(9)} round ${r.round}: ${r.ok ? `drawn ${r.drawnMs} ms, at full size ${r.drawnFullSizeMs ?? '—'} ms (loaded ${r.loadedMs ?? '—'} ms)` : `FAILED: ${r.failure}`}; long tasks ${lt?.count ?? '?'} / ${lt?.totalMs ?? '?'} ms / max ${lt?.maxMs ?? '?'} ms (+${r.afterDrawn?.longTaskTotalMs ?? '?'} ms after drawn); ${heap}; JS ${kb(r.scriptGzipBytes ?? 0)} gzip${r.errors.length ? `; ${r.errors.length} errors: ${r.errors.slice(0, 3).join(' | ')}` : ''}`,
      );
    };

    // The overview first: its initial JS, and it takes the browser's own cold start off the others.
    log(await measure(browser, base, session, 'overview', 0, null));

    let box: MapBox = { x: 0, y: 0, width: VIEWPORT.width, height: VIEWPORT.height };
    for (let round = 1; round <= repeat; round++) {
      const order: ('desk' | 'baseline')[] = round % 2 ? ['desk', 'baseline'] : ['baseline', 'desk'];
      for (const kind of order) {
        const r = await measure(
          browser,
          base,
          session,
          kind,
          round,
          kind === 'baseline' ? baselineHtml(baselineLayers, summary.bbox, box) : null,
        );
        // The baseline's map gets the same size and place on screen as the desk's map.
        if (kind === 'desk' && r.mapBox && r.mapBox.width > 0) box = r.mapBox;
        log(r);
      }
    }
    // One more desk load under the CPU profiler, to say where the long frames go.
    let profiled: PageResult | null = null;
    if (profileDesk) {
      profiled = await measure(browser, base, session, 'desk', -1, null, true);
      console.log(
        `  desk, profiled (not in the medians): ${profiled.ok ? `drawn ${profiled.drawnMs} ms` : `FAILED: ${profiled.failure}`}`,
      );
      runs.push(profiled);
    }
    results.runs = runs;

    // --- summary ---
    const of = (k: PageKind) => runs.filter((r) => r.page === k && r.round > 0);
    const ok = (k: PageKind) => of(k).filter((r) => r.ok);
    const med = (k: PageKind, f: (r: PageResult) => number | undefined | null): number =>
      median(ok(k).map((r) => f(r) ?? NaN));
    const row = (k: PageKind): SummaryRow => ({
      runs: of(k).length,
      ok: ok(k).length,
      failures: of(k)
        .filter((r) => !r.ok)
        .map((r) => r.failure),
      drawnMs: r1(med(k, (r) => r.drawnMs)),
      drawnFullSizeMs: r1(med(k, (r) => r.drawnFullSizeMs)),
      drawnRangeMs: [
        r1(Math.min(...ok(k).map((r) => r.drawnMs ?? NaN))),
        r1(Math.max(...ok(k).map((r) => r.drawnMs ?? NaN))),
      ],
      loadedMs: r1(med(k, (r) => r.loadedMs)),
      longTaskCount: med(k, (r) => r.longTasks?.count),
      longTaskTotalMs: r1(med(k, (r) => r.longTasks?.totalMs)),
      longTaskMaxMs: r1(med(k, (r) => r.longTasks?.maxMs)),
      afterDrawnLongTaskMs: r1(med(k, (r) => r.afterDrawn?.longTaskTotalMs)),
      heapMainMb: r1(med(k, (r) => r.heap?.mainUsedMb)),
      heapWorkersMb: r1(med(k, (r) => r.heap?.workersUsedMb)),
      scriptGzipBytes: med(k, (r) => r.scriptGzipBytes),
      scriptRawBytes: med(k, (r) => r.scriptRawBytes),
    });
    const desk = row('desk');
    const baseRow = row('baseline');
    const ratio = (a: number, b: number): number => (a > 0 && b > 0 ? r1(a / b) : NaN);
    const overview = runs.find((r) => r.page === 'overview')!;
    const deskFirst = ok('desk')[0] ?? of('desk')[0];
    const summaryOut = {
      desk,
      baseline: baseRow,
      ratios: {
        drawn: ratio(baseRow.drawnMs, desk.drawnMs),
        drawnFullSize: ratio(baseRow.drawnFullSizeMs, desk.drawnFullSizeMs),
        // Per round (the two pages loaded back to back), then the median: steadier on a busy machine.
        drawnPaired: r1(
          median(
            Array.from({ length: repeat }, (_, i) => {
              const d = ok('desk').find((r) => r.round === i + 1);
              const b = ok('baseline').find((r) => r.round === i + 1);
              return d?.drawnMs && b?.drawnMs ? b.drawnMs / d.drawnMs : NaN;
            }),
          ),
        ),
        loaded: ratio(baseRow.loadedMs, desk.loadedMs),
        longTaskTotal: ratio(baseRow.longTaskTotalMs, desk.longTaskTotalMs),
        heapMain: ratio(baseRow.heapMainMb, desk.heapMainMb),
        heapTotal: ratio(baseRow.heapMainMb + baseRow.heapWorkersMb, desk.heapMainMb + desk.heapWorkersMb),
      },
      initialJsGzip: {
        desk: deskFirst?.scriptGzipBytes ?? null,
        overview: overview.scriptGzipBytes ?? null,
        baseline: ok('baseline')[0]?.scriptGzipBytes ?? null,
        deskWithoutWorkers: (deskFirst?.scripts ?? []).filter((s) => !s.worker).reduce((n, s) => n + s.gzipBytes, 0),
        deskChunks: (deskFirst?.scripts ?? [])
          .slice(0, 8)
          .map((s) => ({ file: s.file, gzip: s.gzipBytes, raw: s.rawBytes, worker: s.worker })),
        overviewChunks: (overview.scripts ?? [])
          .slice(0, 8)
          .map((s) => ({ file: s.file, gzip: s.gzipBytes, raw: s.rawBytes, worker: s.worker })),
      },
      goals: {
        drawnWithin3s: desk.ok > 0 && desk.drawnMs <= 3000,
        drawnAtFullSizeWithin3s: desk.ok > 0 && desk.drawnFullSizeMs <= 3000,
        deskJsUnder600KbGzip: (deskFirst?.scriptGzipBytes ?? Infinity) < 600 * 1024,
        atLeast3xBaseline: ratio(baseRow.drawnMs, desk.drawnMs) >= 3,
      },
      // The longest main-thread frames of any desk run, with the scripts they ran.
      deskLongFrames: of('desk')
        .flatMap((r) => (r.longFrames ?? []).map((f) => ({ round: r.round, ...f })))
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 6),
      deskLongFramesAfterDrawn: of('desk')
        .flatMap((r) => (r.longFramesAfterDrawn ?? []).map((f) => ({ round: r.round, ...f })))
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 4),
      deskLayerFetches: deskFirst?.layerFetches ?? [],
      baselineLayerFetches: (ok('baseline')[0] ?? of('baseline')[0])?.layerFetches ?? [],
    };
    results.summary = summaryOut;
    results.loadAvgAtEnd = loadavg().map(r1);

    printSummary(summaryOut, overview);
    if (profiled?.profile) printProfile(profiled.profile);

    await mkdir('bench/results', { recursive: true });
    const file = `bench/results/map-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    await writeFile(file, JSON.stringify(results, null, 2) + '\n');
    console.log(`\nwrote ${file}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await hub.close().catch(() => undefined);
    await dir.remove().catch(() => undefined);
    await staticDir.remove().catch(() => undefined);
  }
}

function printProfile(p: ProfileSummary): void {
  const list = (xs: { fn: string; ms: number }[]): string =>
    xs
      .slice(0, 8)
      .map((x) => `    ${String(x.ms).padStart(8)} ms  ${x.fn}`)
      .join('\n');
  console.log(
    `\nCPU profile of one extra desk load (main thread, ${p.sampledMs} ms sampled, not idle), self time:\n${list(p.topSelf)}`,
  );
  if (p.frameRoot) {
    console.log(`  under ${p.frameRoot} (the longest frame's callback), inclusive:\n${list(p.underRootInclusive)}`);
    console.log(`  under ${p.frameRoot}, self:\n${list(p.underRootSelf)}`);
  }
}

/** Signs the bench's demo account in; returns the session cookie's value. */
async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}${API_PREFIX}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_USER, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`bench sign-in: HTTP ${res.status} ${await res.text()}`);
  const value = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.slice(SESSION_COOKIE.length + 1);
  if (!value) throw new Error('bench sign-in: no session cookie in the answer');
  return value;
}

/** Bytes on the wire of a brotli response (undici's fetch would decode it). */
async function wireBytes(url: string, cookie: string): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { headers: { 'accept-encoding': 'br', cookie } }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.byteLength));
      res.on('end', () => resolve(n));
    })
      .on('error', reject)
      .end();
  });
}

function printSummary(
  s: {
    desk: SummaryRow;
    baseline: SummaryRow;
    ratios: Record<string, number>;
    initialJsGzip: {
      desk: number | null;
      deskWithoutWorkers: number;
      overview: number | null;
      baseline: number | null;
      deskChunks: { file: string; gzip: number; raw: number; worker: boolean }[];
      overviewChunks: { file: string; gzip: number; raw: number; worker: boolean }[];
    };
    goals: Record<string, boolean>;
    deskLongFrames: (Loaf & { round: number })[];
    deskLongFramesAfterDrawn: (Loaf & { round: number })[];
    deskLayerFetches: LayerFetch[];
    baselineLayerFetches: LayerFetch[];
  },
  overview: PageResult,
): void {
  const pad = (x: string | number, n: number): string => String(x).padStart(n);
  console.log(
    `\nmedians of ${repeat} runs each (scale ${scale}, ${VIEWPORT.width}x${VIEWPORT.height}, SwiftShader; load average now ${loadavg().map(r1).join(' ')}):`,
  );
  console.log(
    `${'page'.padEnd(10)}${pad('ok', 5)}${pad('drawn ms', 10)}${pad('range', 16)}${pad('full size', 11)}${pad('loaded ms', 11)}${pad('long tasks', 12)}${pad('total ms', 10)}${pad('max ms', 8)}${pad('after ms', 10)}${pad('heap MB', 9)}${pad('+workers', 10)}`,
  );
  for (const [name, r] of [
    ['desk', s.desk],
    ['baseline', s.baseline],
  ] as const) {
    console.log(
      `${name.padEnd(10)}${pad(`${r.ok}/${r.runs}`, 5)}${pad(r.drawnMs, 10)}${pad(`${r.drawnRangeMs[0]}–${r.drawnRangeMs[1]}`, 16)}${pad(r.drawnFullSizeMs, 11)}${pad(r.loadedMs, 11)}${pad(r.longTaskCount, 12)}${pad(r.longTaskTotalMs, 10)}${pad(r.longTaskMaxMs, 8)}${pad(r.afterDrawnLongTaskMs, 10)}${pad(r.heapMainMb, 9)}${pad(r.heapWorkersMb, 10)}`,
    );
  }
  console.log(
    `ratios baseline ÷ desk: ${Object.entries(s.ratios)
      .map(([k, v]) => `${k} ${v}×`)
      .join(', ')}`,
  );
  const j = s.initialJsGzip;
  console.log(
    `\ninitial JS (gzip -9 of every script loaded until drawn): /desk ${kb(j.desk ?? NaN)} (goal < 600 KB; ${kb(j.deskWithoutWorkers)} without workers), /overview ${kb(j.overview ?? NaN)}, baseline page ${kb(j.baseline ?? NaN)}`,
  );
  const chunk = (c: { file: string; gzip: number; raw: number; worker: boolean }): string =>
    `${c.file} ${kb(c.gzip)} (${kb(c.raw)} raw${c.worker ? ', worker' : ''})`;
  console.log(`  /desk biggest: ${j.deskChunks.map(chunk).join(', ')}`);
  console.log(`  /overview biggest: ${j.overviewChunks.map(chunk).join(', ')}`);
  console.log(`  /overview ready in ${overview.drawnMs} ms${overview.ok ? '' : ` (FAILED: ${overview.failure})`}`);
  console.log(
    `\ngoals: ${Object.entries(s.goals)
      .map(([k, v]) => `${k} ${v ? 'PASS' : 'FAIL'}`)
      .join(', ')}`,
  );
  console.log('');
  const frameLine = (f: Loaf & { round: number }): string => {
    const top = [...f.scripts].sort((a, b) => b.duration - a.duration).slice(0, 2);
    return `  round ${f.round} at ${r1(f.start)} ms: ${r1(f.duration)} ms (render ${r1(f.render)} ms)${top.map((x) => `; ${r1(x.duration)} ms in ${x.invoker || x.invokerType} ${x.fn ? x.fn + ' ' : ''}${(x.source || '').split('/').pop()}${x.at >= 0 ? ':' + x.at : ''}`).join('')}`;
  };
  if (s.deskLongFrames.length)
    console.log(
      `longest desk frames before drawn (Long Animation Frames, main thread):\n${s.deskLongFrames.map(frameLine).join('\n')}`,
    );
  if (s.deskLongFramesAfterDrawn.length)
    console.log(`longest desk frames after drawn:\n${s.deskLongFramesAfterDrawn.map(frameLine).join('\n')}`);
  for (const [name, fetches] of [
    ['desk', s.deskLayerFetches],
    ['baseline', s.baselineLayerFetches],
  ] as const) {
    if (!fetches.length) continue;
    const first = Math.min(...fetches.map((f) => f.start));
    const never = fetches.filter((f) => f.end === null).map((f) => f.layer);
    const last = [...fetches].filter((f) => f.end !== null).sort((a, b) => b.end! - a.end!)[0];
    console.log(
      `${name} layer requests: ${fetches.length}, first sent at ${first} ms, last complete at ${last?.end ?? '—'} ms (${last?.layer ?? '—'})${never.length ? `; never finished: ${never.join(', ')}` : ''}`,
    );
  }
}

/** Medians over the successful runs of one page. */
interface SummaryRow {
  runs: number;
  ok: number;
  failures: (string | undefined)[];
  drawnMs: number;
  drawnFullSizeMs: number;
  drawnRangeMs: [number, number];
  loadedMs: number;
  longTaskCount: number;
  longTaskTotalMs: number;
  longTaskMaxMs: number;
  afterDrawnLongTaskMs: number;
  heapMainMb: number;
  heapWorkersMb: number;
  scriptGzipBytes: number;
  scriptRawBytes: number;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
