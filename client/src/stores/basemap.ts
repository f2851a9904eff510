/**
 * The basemap under our layers: the hub's map settings, which style to draw (the configured
 * MAP_STYLE_URL if it loads, else the hub's built-in offline style with a visible notice, else a
 * plain dark background: the layers still draw; retried until the wanted one loads) and the
 * coordinate system that style is drawn in.
 * The desk hands `useMapStyle()` to the map component (map/ fetches nothing itself); the layer
 * store shifts the static layers to `drawnCrs`, and `toDrawn` / `fromDrawn` move a live WGS84
 * point (an incident, a unit, a click) to and from it.
 */
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import gcoord from 'gcoord';
import type { StyleSpecification } from 'maplibre-gl';
import { API_PREFIX } from '@shared/api';
import { wgs84ToGcj02 } from '@shared/crs';
import { mapConfig, type MapConfig, type MapCrs } from '@shared/map';
import { getJson } from '../api/http';

/** A try for a style that takes longer is given up (and tried again later: useMapStyle). */
const STYLE_TIMEOUT_MS = 8_000;

const FALLBACK_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0b1220' } }],
};

const styles = new Map<string, Promise<StyleSpecification>>();
/** A style by URL, fetched once per page (the desk's route prefetches it with the layers); a failure is not kept. */
async function fetchStyle(url: string): Promise<StyleSpecification> {
  let p = styles.get(url);
  if (!p) {
    p = fetchStyleOnce(url);
    styles.set(url, p);
    p.catch(() => styles.delete(url));
  }
  // A copy for each map: MapLibre may change the style object it is given, and the desk can be
  // mounted again later in the same page.
  return structuredClone(await p);
}

/** Start fetching the map settings and the style they name, before the map's code has loaded. */
export function prefetchMapStyle(): void {
  loadMapConfig()
    .then((cfg) => fetchStyle(cfg.styleUrl))
    .catch(() => undefined); // useMapStyle() reports failures when the map asks
}

async function fetchStyleOnce(url: string): Promise<StyleSpecification> {
  const res = await fetch(url, { signal: AbortSignal.timeout(STYLE_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const style = (await res.json()) as StyleSpecification;
  if (style?.version !== 8 || !Array.isArray(style.layers)) throw new Error('not a MapLibre style');
  return style;
}

let configPromise: Promise<MapConfig> | null = null;
/** The hub's map settings (style, coordinate system, city bounds), fetched once per page. */
export function loadMapConfig(): Promise<MapConfig> {
  configPromise ??= getJson(`${API_PREFIX}/map/config`, mapConfig).catch((e: unknown) => {
    configPromise = null;
    throw e;
  });
  return configPromise;
}

/**
 * The coordinate system of the basemap actually drawn: gcj02 only when the configured style
 * loaded and is declared GCJ-02; the built-in style is always WGS84. The layer store shifts our
 * WGS84 data to match.
 */
export const drawnCrs = ref<MapCrs>('wgs84');

/** Which basemap is drawn: the configured one, the hub's built-in one, or none (a plain background). */
export type DrawnBasemap = 'custom' | 'built-in' | 'none';
const RANK: Record<DrawnBasemap, number> = { custom: 0, 'built-in': 1, none: 2 };

/** The first retry of a basemap that did not load waits this long, each next one twice as long… */
export const RETRY_FIRST_MS = 1_000;
/** …up to this, then every this long for as long as the page is open. */
export const RETRY_MAX_MS = 30_000;

/** How long to wait before the next try, after `failures` tries failed in a row (1, 2, …). */
export function retryDelay(failures: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * The style the desk's map draws, as a ref: the best basemap that loaded (the configured one, else
 * the built-in one, else a plain background), and, while that is not the one wanted, a notice and
 * tries again with backoff (retryDelay; at once when the browser comes back online). A better style
 * that loads later replaces the one drawn (the map restyles without a reload) and the notice goes.
 * A style never steps down: once drawn, a later failure of the same URL changes nothing.
 */
export function useMapStyle() {
  const { t } = useI18n();
  const style = shallowRef<StyleSpecification | null>(null);
  const drawn = ref<DrawnBasemap | null>(null);
  const problem = ref<{ key: string; reason: string } | null>(null);
  const notice = computed(() => (problem.value ? t(problem.value.key, { reason: problem.value.reason }) : null));
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let disposed = false;

  function draw(s: StyleSpecification, kind: DrawnBasemap): void {
    if (disposed || (drawn.value !== null && RANK[kind] >= RANK[drawn.value])) return;
    style.value = s;
    drawn.value = kind;
  }

  /** One try for the best basemap there is; true once it is drawn (nothing left to try). */
  async function attempt(): Promise<boolean> {
    let cfg: MapConfig;
    try {
      cfg = await loadMapConfig();
    } catch {
      draw(FALLBACK_STYLE, 'none');
      problem.value = { key: 'map.styleFailed', reason: '' };
      return false;
    }
    const wantsCustom = cfg.styleUrl !== cfg.builtInStyleUrl;
    let reason = '';
    if (wantsCustom) {
      try {
        const custom = await fetchStyle(cfg.styleUrl);
        if (!disposed) drawnCrs.value = cfg.crs;
        draw(custom, 'custom');
        problem.value = null;
        return true;
      } catch (e) {
        reason = (e as Error).message;
      }
    }
    if (drawn.value !== 'built-in') {
      try {
        draw(await fetchStyle(cfg.builtInStyleUrl), 'built-in');
      } catch {
        draw(FALLBACK_STYLE, 'none');
      }
    }
    if (drawn.value === 'built-in' && !wantsCustom) {
      problem.value = null;
      return true;
    }
    problem.value =
      drawn.value === 'built-in' ? { key: 'map.customStyleFailed', reason } : { key: 'map.styleFailed', reason: '' };
    return false;
  }

  async function run(): Promise<void> {
    if (running || disposed) return;
    running = true;
    const done = await attempt().finally(() => (running = false));
    if (done || disposed) return;
    failures++;
    timer = setTimeout(() => void run(), retryDelay(failures));
  }

  // Back online: no reason to sit out the rest of a long wait.
  const again = (): void => {
    if (drawn.value === null || problem.value === null) return;
    clearTimeout(timer);
    failures = 0;
    void run();
  };
  window.addEventListener('online', again);
  onScopeDispose(() => {
    disposed = true;
    clearTimeout(timer);
    window.removeEventListener('online', again);
  });
  void run();

  return { style, drawn, notice };
}

export type LonLat = [number, number];

/** A WGS84 point where the map draws it (GCJ-02 on a Chinese commercial basemap). */
export function toDrawn(p: readonly [number, number]): LonLat {
  return drawnCrs.value === 'gcj02' ? wgs84ToGcj02(p[0], p[1]) : [p[0], p[1]];
}

/** A point clicked on the map, back in WGS84 (what the hub stores). */
export function fromDrawn(p: readonly [number, number]): LonLat {
  if (drawnCrs.value !== 'gcj02') return [p[0], p[1]];
  const [x, y] = gcoord.transform<[number, number]>([p[0], p[1]], gcoord.GCJ02, gcoord.WGS84);
  return [x, y];
}
