/**
 * Terra Draw on the planner's MapLibre map: one perimeter polygon (drawn by clicks, closed by
 * clicking its first point; its vertices dragged, inserted at midpoints or deleted in select mode)
 * and the posts as points. Everything is in the map's drawn coordinates; plan-geometry.ts converts.
 *
 * The drawing is the source of truth while the editor is open: after every change the whole
 * snapshot is read back (one polygon, the points by id) and handed to `onChange`, so the form never
 * has to follow Terra Draw's individual events. Only one perimeter: a new one replaces the old.
 */
import { onBeforeUnmount, ref, watch, type ShallowRef } from 'vue';
import type { Map as MapLibreMap } from 'maplibre-gl';
import {
  TerraDraw,
  TerraDrawPointMode,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
  type GeoJSONStoreFeatures,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';

export type DrawMode = 'polygon' | 'select' | 'point' | 'static';

export interface DrawnPoint {
  id: string;
  position: [number, number];
}
export interface DrawnState {
  /** The finished perimeter (drawn coordinates), or null while there is none. */
  perimeter: number[][][] | null;
  points: DrawnPoint[];
}

const AMBER = '#ffb020';
const CYAN = '#38bdf8';

export function useTerraDraw(map: ShallowRef<MapLibreMap | null>, onChange: (s: DrawnState) => void) {
  const mode = ref<DrawMode>('static');
  /** Terra Draw has started on the map (its style loaded). */
  const ready = ref(false);
  let draw: TerraDraw | null = null;
  const whenReady: (() => void)[] = [];

  function read(): DrawnState {
    if (!draw) return { perimeter: null, points: [] };
    const all = draw.getSnapshot();
    const polygon = all.find(
      (f) => f.properties.mode === 'polygon' && f.geometry.type === 'Polygon' && !f.properties.currentlyDrawing,
    );
    const points = all
      .filter((f) => f.properties.mode === 'point' && f.geometry.type === 'Point')
      .map((f) => ({ id: String(f.id), position: f.geometry.coordinates as [number, number] }));
    return { perimeter: polygon ? (polygon.geometry.coordinates as number[][][]) : null, points };
  }

  function start(m: MapLibreMap): void {
    const adapter = new TerraDrawMapLibreGLAdapter({ map: m, prefixId: 'plan-draw' });
    draw = new TerraDraw({
      adapter,
      modes: [
        new TerraDrawPolygonMode({
          styles: {
            fillColor: AMBER,
            fillOpacity: 0.18,
            outlineColor: AMBER,
            outlineWidth: 3,
            closingPointColor: '#ffffff',
            closingPointWidth: 6,
            closingPointOutlineColor: AMBER,
            closingPointOutlineWidth: 2,
          },
        }),
        new TerraDrawPointMode({
          styles: { pointColor: CYAN, pointWidth: 8, pointOutlineColor: '#ffffff', pointOutlineWidth: 2 },
        }),
        new TerraDrawSelectMode({
          flags: {
            polygon: {
              feature: {
                draggable: true,
                coordinates: { draggable: true, midpoints: true, deletable: true },
              },
            },
            point: { feature: { draggable: true } },
          },
          styles: {
            selectedPolygonColor: AMBER,
            selectedPolygonFillOpacity: 0.25,
            selectedPolygonOutlineColor: '#ffd27a',
            selectedPolygonOutlineWidth: 3,
            selectedPointColor: CYAN,
            selectedPointWidth: 10,
          },
        }),
      ],
    });
    draw.start();
    draw.setMode(mode.value);
    draw.on('change', () => onChange(read()));
    draw.on('finish', (id, ctx) => {
      if (ctx.mode !== 'polygon' || !draw) return;
      // One perimeter: the one just closed replaces any other; then edit it.
      const others = draw
        .getSnapshot()
        .filter((f) => f.properties.mode === 'polygon' && f.geometry.type === 'Polygon' && f.id !== id)
        .map((f) => f.id!);
      if (others.length) draw.removeFeatures(others);
      setMode('select');
      draw.selectFeature(id);
      onChange(read());
    });
    ready.value = true;
    for (const fn of whenReady.splice(0)) fn();
  }

  // Terra Draw adds its sources and layers to the style: start once the style is there.
  watch(
    map,
    (m) => {
      if (!m || draw) return;
      const go = (): void => {
        if (draw || !m.isStyleLoaded()) return;
        m.off('styledata', go);
        m.off('idle', go);
        start(m);
      };
      m.on('styledata', go);
      m.on('idle', go);
      go();
    },
    { immediate: true },
  );

  function setMode(m: DrawMode): void {
    mode.value = m;
    draw?.setMode(m);
  }

  /** Runs now if Terra Draw has started, else once it does. */
  function onReady(fn: () => void): void {
    if (draw) fn();
    else whenReady.push(fn);
  }

  /**
   * Replaces the drawing with a perimeter and points (drawn coordinates); returns the ids given to
   * the points, in order.
   */
  function load(perimeter: number[][][] | null, points: readonly (readonly [number, number])[]): string[] {
    if (!draw) return [];
    draw.clear();
    const features: GeoJSONStoreFeatures[] = [];
    if (perimeter)
      features.push({
        id: draw.getFeatureId(),
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: perimeter },
        properties: { mode: 'polygon' },
      });
    const ids = points.map(() => String(draw!.getFeatureId()));
    points.forEach((p, i) =>
      features.push({
        id: ids[i]!,
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [p[0], p[1]] },
        properties: { mode: 'point' },
      }),
    );
    if (features.length) draw.addFeatures(features);
    onChange(read());
    return ids;
  }

  function remove(id: string): void {
    if (draw?.hasFeature(id)) draw.removeFeatures([id]);
    onChange(read());
  }

  /** Removes the perimeter (to draw it again). */
  function clearPerimeter(): void {
    if (!draw) return;
    const ids = draw
      .getSnapshot()
      .filter((f) => f.properties.mode === 'polygon')
      .map((f) => f.id!);
    if (ids.length) draw.removeFeatures(ids);
    onChange(read());
  }

  onBeforeUnmount(() => {
    // The map goes with the MapView; Terra Draw only has to let go of its listeners.
    try {
      draw?.stop();
    } catch {
      // The map may already be gone.
    }
    draw = null;
  });

  return { mode, ready, setMode, onReady, load, remove, clearPerimeter };
}
