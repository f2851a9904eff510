/**
 * MapLibre + the deck.gl overlay, created once per map component. Kept out of the component so
 * the component only wires lifecycle and the context.
 */
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Layer } from '@deck.gl/core';
import { LAYER_ORDER, type Bounds, type LayerSlot } from './mapContext';

maplibregl.setWorkerUrl(workerUrl);

/** How far from a feature a click still picks it (CSS pixels). */
const PICK_RADIUS_PX = 3;

export interface MapHandle {
  map: maplibregl.Map;
  setLayers(slot: LayerSlot, layers: Layer[]): void;
  /** Draws another basemap style under our layers (a basemap that came back), without a new map. */
  restyle(style: maplibregl.StyleSpecification): void;
  /**
   * Wait until the GPU has finished the frames issued so far (a one-pixel read-back). WebGL
   * calls only queue work: "drawn" means the pixels exist, which on software WebGL can be
   * seconds after the draw calls. Used once, to mark the desk drawn.
   */
  settle(): void;
  /** Say the map's own controls (zoom buttons, compass, scale) in another language. */
  setLocale(locale: Record<string, string>): void;
  destroy(): void;
}

export function createMap(
  container: HTMLElement,
  style: maplibregl.StyleSpecification | string,
  initial: Bounds,
  onView: (zoom: number, bounds: Bounds) => void,
  onDeckRender: () => void,
  /** MapLibre's UI strings (its default_locale ids) in the screen's language; English where absent. */
  locale: Record<string, string> = {},
): MapHandle {
  const map = new maplibregl.Map({
    container,
    style,
    bounds: [
      [initial[0], initial[1]],
      [initial[2], initial[3]],
    ],
    attributionControl: false,
    // Labels are drawn locally (no glyph server): prefer the CJK fonts the OS has.
    localIdeographFontFamily: "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
    // Keep the drawing buffer so screenshots and pixel checks see what is drawn.
    canvasContextAttributes: { preserveDrawingBuffer: true },
    locale,
  });
  let controls: maplibregl.IControl[] = [];
  const addControls = (): void => {
    controls = [
      new maplibregl.NavigationControl({ visualizePitch: false }),
      new maplibregl.ScaleControl({ unit: 'metric' }),
    ];
    map.addControl(controls[0]!, 'bottom-right');
    map.addControl(controls[1]!, 'bottom-left');
  };
  addControls();

  // Interleaved: deck.gl draws our layers inside MapLibre's frame, into MapLibre's WebGL2
  // context. One context and one canvas instead of two: no second context to create (~0.5 s on
  // software WebGL), no second canvas to size and composite each frame (BENCHMARKS.md).
  // @deck.gl/maplibre, not @deck.gl/mapbox: the latter reads `map.transform`, which MapLibre 6
  // no longer has, and throws in interleaved mode.
  const overlay = new MapLibreOverlay({
    interleaved: true,
    layers: [],
    onAfterRender: onDeckRender,
  });
  map.addControl(overlay);
  // In interleaved mode deck.gl sees hover on the shared canvas but not clicks (MapLibre's own
  // handlers take them), and @deck.gl/maplibre 9.4 does not forward them: pick on MapLibre's
  // click and hand the pick to the layer's onClick, as deck.gl would.
  map.on('click', (e) => {
    const info = overlay.pickObject({ x: e.point.x, y: e.point.y, radius: PICK_RADIUS_PX });
    const onClick = info?.layer?.props.onClick;
    if (info && onClick)
      onClick(info, { type: 'click', srcEvent: e.originalEvent } as unknown as Parameters<typeof onClick>[1]);
  });

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
    restyle(style) {
      map.setStyle(style);
      // The new style's layers land above ours, and the overlay puts its layers back on top only
      // if the style has loaded when it hears of the change, which GeoJSON sources delay. Once the
      // map is idle (style and sources loaded), hand it our layers again: it re-adds and re-orders.
      map.once('idle', flush);
    },
    settle() {
      const gl = map.getCanvas().getContext('webgl2');
      if (!gl) return;
      const bound = gl.getParameter(gl.FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
      gl.bindFramebuffer(gl.FRAMEBUFFER, null);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
      gl.bindFramebuffer(gl.FRAMEBUFFER, bound);
    },
    setLocale(next) {
      // MapLibre reads its UI strings when a control is added (and the canvas label once): patch
      // its table (the documented `locale` option's store; MapLibre has no setter) and add the
      // controls again.
      Object.assign(map._locale, next);
      map.getCanvas().setAttribute('aria-label', map._getUIString('Map.Title'));
      for (const c of controls) map.removeControl(c);
      addControls();
    },
    destroy() {
      map.removeControl(overlay);
      overlay.finalize();
      map.remove();
    },
  };
}
