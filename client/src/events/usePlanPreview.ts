/**
 * The buffer ring as it will be (shared/event-buffer.ts, the hub's own function), drawn under the
 * perimeter while it is drawn: a dashed line and a faint band. A MapLibre GeoJSON source of its
 * own, beside Terra Draw's. @turf/buffer (JSTS, ~70 KB gzip) is loaded on the first preview, so
 * only a commander who opens the planner fetches it; no other screen does.
 */
import { onBeforeUnmount, shallowRef, watch, type ShallowRef } from 'vue';
import { watchDebounced } from '@vueuse/core';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Polygon } from '@shared/world';
import { toDrawn } from '../stores/basemap';
import { convertPolygon } from './plan-geometry';
import type { PlanDraft } from './usePlanForm';

const SOURCE = 'plan-buffer';
const EMPTY = { type: 'FeatureCollection' as const, features: [] };

export function usePlanPreview(map: ShallowRef<MapLibreMap | null>, draft: PlanDraft) {
  /** The ring's outer boundary in WGS84, or null (no perimeter, or one that cannot be buffered). */
  const ring = shallowRef<Polygon | null>(null);

  watchDebounced(
    () => [draft.perimeter, draft.bufferM] as const,
    async ([perimeter, metres]) => {
      if (!perimeter) {
        ring.value = null;
        return;
      }
      const { bufferRing } = await import('@shared/event-buffer');
      try {
        ring.value = bufferRing(perimeter, metres);
      } catch {
        // A broken perimeter (the hub will say why) or a width out of range: no preview.
        ring.value = null;
      }
    },
    { debounce: 150, immediate: true, deep: true },
  );

  function ensureLayers(m: MapLibreMap): GeoJSONSource | undefined {
    if (!m.isStyleLoaded() && !m.getSource(SOURCE)) return undefined;
    if (!m.getSource(SOURCE)) {
      m.addSource(SOURCE, { type: 'geojson', data: EMPTY });
      m.addLayer({
        id: `${SOURCE}-band`,
        type: 'fill',
        source: SOURCE,
        paint: { 'fill-color': '#ffb020', 'fill-opacity': 0.08 },
      });
      m.addLayer({
        id: `${SOURCE}-line`,
        type: 'line',
        source: SOURCE,
        paint: { 'line-color': '#ffb020', 'line-width': 2, 'line-dasharray': [3, 2] },
      });
    }
    return m.getSource<GeoJSONSource>(SOURCE);
  }

  function show(): void {
    const m = map.value;
    if (!m) return;
    const src = ensureLayers(m);
    if (!src) {
      m.once('idle', show);
      return;
    }
    const r = ring.value;
    const p = draft.perimeter;
    if (!r || !p) {
      void src.setData(EMPTY);
      return;
    }
    // The band: the ring with the perimeter's outline as its hole.
    const outer = convertPolygon([r[0]!], toDrawn)[0]!;
    const inner = convertPolygon([p[0]!], toDrawn)[0]!;
    void src.setData({
      type: 'Feature',
      properties: {},
      geometry: { type: 'Polygon', coordinates: [outer, inner] },
    });
  }
  watch([map, ring], show);

  onBeforeUnmount(() => {
    const m = map.value;
    if (!m?.getSource(SOURCE)) return;
    try {
      m.removeLayer(`${SOURCE}-line`);
      m.removeLayer(`${SOURCE}-band`);
      m.removeSource(SOURCE);
    } catch {
      // The map is going anyway.
    }
  });

  return { ring };
}
