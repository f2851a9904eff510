/**
 * MapLibre + the deck.gl overlay, created once per map component. Kept out of the component so
 * the component only wires lifecycle and the context.
 */
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { Layer } from '@deck.gl/core';
import { LAYER_ORDER, type Bounds, type LayerSlot } from './mapContext';

maplibregl.setWorkerUrl(workerUrl);

export interface MapHandle {
  map: maplibregl.Map;
  setLayers(slot: LayerSlot, layers: Layer[]): void;
  destroy(): void;
}

export function createMap(
  container: HTMLElement,
  style: maplibregl.StyleSpecification | string,
  initial: Bounds,
  onView: (zoom: number, bounds: Bounds) => void,
  onDeckRender: () => void,
): MapHandle {
  const map = new maplibregl.Map({
    container,
    style,
    bounds: [[initial[0], initial[1]], [initial[2], initial[3]]],
    attributionControl: false,
    // Labels are drawn locally (no glyph server): prefer the CJK fonts the OS has.
    localIdeographFontFamily: "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
    // Keep the drawing buffer so screenshots and pixel checks see what is drawn.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), 'bottom-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');

  // Overlaid, not interleaved: with deck.gl 9.4 and MapLibre 6 the interleaved mode drew none of
  // our layers here. A frame counts as drawn only once the overlay canvas is no longer the
  // browser's default 300x150 (its first frames can go there, stretched).
  const overlay: MapboxOverlay = new MapboxOverlay({
    interleaved: false,
    layers: [],
    onAfterRender: () => {
      const canvas = overlay.getCanvas();
      if (canvas && !(canvas.width === 300 && canvas.height === 150)) onDeckRender();
    },
  });
  map.addControl(overlay);

  const slots = new Map<LayerSlot, Layer[]>();
  let scheduled = false;
  // Many composables update in the same tick (a zoom change): draw once per frame.
  const flush = (): void => {
    scheduled = false;
    overlay.setProps({ layers: LAYER_ORDER.flatMap((s) => slots.get(s) ?? []) });
  };

  const report = (): void => {
    const b = map.getBounds();
    onView(map.getZoom(), [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
  };
  map.on('moveend', report);
  map.on('load', report);
  report();

  return {
    map,
    setLayers(slot, layers) {
      slots.set(slot, layers);
      if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(flush);
      }
    },
    destroy() {
      map.removeControl(overlay);
      overlay.finalize();
      map.remove();
    },
  };
}
