/**
 * Which basemap style to draw: the configured MAP_STYLE_URL if it loads, else the hub's built-in
 * offline style with a visible notice, else a plain dark background (the layers still draw).
 */
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { StyleSpecification } from 'maplibre-gl';
import { API_PREFIX } from '../../../shared/api';
import { mapConfig, type MapConfig, type MapCrs } from '../../../shared/map';
import { getJson } from '../api/http';

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

export function useMapStyle() {
  const { t } = useI18n();
  const notice = ref<string | null>(null);

  async function style(): Promise<StyleSpecification> {
    let cfg: MapConfig;
    try {
      cfg = await loadMapConfig();
    } catch {
      notice.value = t('map.styleFailed');
      return FALLBACK_STYLE;
    }
    if (cfg.styleUrl !== cfg.builtInStyleUrl) {
      try {
        const custom = await fetchStyle(cfg.styleUrl);
        drawnCrs.value = cfg.crs;
        return custom;
      } catch (e) {
        notice.value = t('map.customStyleFailed', { reason: (e as Error).message });
      }
    }
    try {
      return await fetchStyle(cfg.builtInStyleUrl);
    } catch {
      notice.value = t('map.styleFailed');
      return FALLBACK_STYLE;
    }
  }

  return { style, notice };
}
