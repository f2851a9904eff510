/**
 * What the shift bench (bench/shift.ts) counts inside the desk's page, installed before any page
 * script runs so it works on any commit (it reads no app code, only the DOM and the browser):
 *
 *  - drawn frames: animation frames in which the page issued at least one WebGL draw or clear
 *    (MapLibre and deck.gl share one context, interleaved, so this is every map frame, whatever
 *    asked for it: a flashing zone, a pulse, new data). Draws outside an animation frame callback
 *    count once per task. A frame with no GL call (a rAF that found nothing to do) is not drawn.
 *  - animation frames: frames in which any requestAnimationFrame callback ran (what the page asked
 *    for, drawn or not).
 *  - long tasks: PerformanceObserver 'longtask' (main thread, 50 ms or more): count, total, the
 *    longest since the last read.
 *  - popups: elements `[data-testid="alarm-popup"]` (client/src/alarms/useAlarmPopups.ts) appearing
 *    in the DOM, seen by a MutationObserver. One alarm's popup counts once while it stays on screen:
 *    a popup that is re-rendered, or replaced in the same DOM change, or whose `data-count` changes
 *    (a folded repeat) is an update, not a new popup. By `data-priority`; the most on screen at once
 *    (popups still fading in or out included).
 */
import type { Page } from '@playwright/test';

export interface DeskCounters {
  /** performance.now() of the page at the read, ms. */
  now: number;
  drawFrames: number;
  rafFrames: number;
  longTasks: number;
  longTaskMs: number;
  /** The longest long task since the previous read. */
  longTaskMaxMs: number;
  popupsShown: number;
  popupsUpdated: number;
  popupsByPriority: Record<string, number>;
  popupsOnScreen: number;
  popupsMaxOnScreen: number;
}

export const POPUP_SELECTOR = '[data-testid="alarm-popup"]';

export const DESK_INIT_SCRIPT = `(() => {
  if (window.__shift) return;
  const s = (window.__shift = {
    drawFrames: 0, rafFrames: 0, longTasks: 0, longTaskMs: 0, longTaskMaxMs: 0,
    popupsShown: 0, popupsUpdated: 0, popupsByPriority: {}, popupsOnScreen: 0, popupsMaxOnScreen: 0,
  });
  // Frames: the timestamp a rAF callback gets is the frame's; outside one, a key per task.
  let frameKey = null, lastRafTs = null, lastDrawKey = null, taskKey = 0, tasks = 0;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((ts) => {
    if (ts !== lastRafTs) { lastRafTs = ts; s.rafFrames++; }
    frameKey = ts;
    try { return cb(ts); } finally { frameKey = null; }
  });
  const onDraw = () => {
    let k = frameKey;
    if (k === null) {
      if (!taskKey) { taskKey = 'task' + ++tasks; queueMicrotask(() => { taskKey = 0; }); }
      k = taskKey;
    }
    if (k !== lastDrawKey) { lastDrawKey = k; s.drawFrames++; }
  };
  for (const C of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    if (!C) continue;
    for (const m of ['clear', 'drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced', 'drawRangeElements']) {
      const f = C.prototype[m];
      if (typeof f !== 'function') continue;
      C.prototype[m] = function (...args) { onDraw(); return f.apply(this, args); };
    }
  }
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        s.longTasks++;
        s.longTaskMs += e.duration;
        s.longTaskMaxMs = Math.max(s.longTaskMaxMs, e.duration);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { s.longTaskError = String(e); }

  const SEL = ${JSON.stringify(POPUP_SELECTOR)};
  const present = new Map();
  const popupsIn = (n) => (n.nodeType !== 1 ? [] : n.matches(SEL) ? [n] : [...n.querySelectorAll(SEL)]);
  new MutationObserver((records) => {
    let changed = false;
    const removed = new Set();
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.target.matches(SEL)) s.popupsUpdated++;
        continue;
      }
      for (const n of r.removedNodes) for (const el of popupsIn(n)) { removed.add(el.getAttribute('data-id')); changed = true; }
    }
    for (const r of records) {
      if (r.type !== 'childList') continue;
      for (const n of r.addedNodes) {
        for (const el of popupsIn(n)) {
          changed = true;
          const id = el.getAttribute('data-id');
          const prev = present.get(id);
          if (prev === el) continue;
          present.set(id, el);
          if ((prev && prev.isConnected) || removed.has(id)) { s.popupsUpdated++; continue; }
          s.popupsShown++;
          const p = el.getAttribute('data-priority') || '?';
          s.popupsByPriority[p] = (s.popupsByPriority[p] || 0) + 1;
        }
      }
    }
    if (!changed) return;
    for (const [id, el] of present) if (!el.isConnected) present.delete(id);
    s.popupsOnScreen = document.querySelectorAll(SEL).length;
    s.popupsMaxOnScreen = Math.max(s.popupsMaxOnScreen, s.popupsOnScreen);
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-count'] });

  window.__shiftRead = () => {
    const out = { ...s, popupsByPriority: { ...s.popupsByPriority }, now: performance.now() };
    s.longTaskMaxMs = 0;
    return out;
  };
})();`;

/** The counters now (the longest long task is since the previous read). */
export async function readDesk(page: Page): Promise<DeskCounters> {
  // A string, not a function: the app's CSP has no 'unsafe-eval' (as bench/map.ts polls).
  return page.evaluate<DeskCounters>('window.__shiftRead()');
}
