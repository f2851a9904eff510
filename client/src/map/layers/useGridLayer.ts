/**
 * Grids (~10k polygons): a thematic fill by the chosen measure (camera density now), outlines
 * from zoom 12, hover highlight, click for the grid's card (`onSelect`). Region outlines
 * (districts, streets, communities) come with it, each from its zoom.
 */
import { computed, markRaw, onBeforeUnmount, toValue, watchEffect, type MaybeRefOrGetter, type Ref } from 'vue';
import { LineLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { useMapContext, type LayerSource } from '../mapContext';
import {
  type Segments,
  allRings,
  classOf,
  countByDict,
  outerRings,
  quantileBreaks,
  ringAreaKm2,
  segments,
} from '../geometry';
import { SELECTED_LINE, THEMATIC_RAMP, type RGBA } from '../palette';

export const GRID_OUTLINE_ZOOM = 12;

/**
 * What a grid's fill measures: 'none' (a plain fill), 'cameraDensity' (computed here from the
 * camera layer), or 'values' (the caller's values by grid code, e.g. the hub's figures).
 */
export type GridMeasure = 'none' | 'cameraDensity' | 'values';

/** Values by grid code (absent: 0 or nothing to show). */
export type GridValues = Readonly<Record<string, number>>;

/**
 * Per-grid value of the chosen measure, its class breaks, and per-vertex fill colours. The caller
 * makes one copy and hands it to the layer and the legend (the desk: useDeskGridMeasure).
 */
export function gridMeasure(
  data: LayerSource,
  measure: MaybeRefOrGetter<GridMeasure>,
  external: MaybeRefOrGetter<GridValues | null> = null,
) {
  return computed(() => {
    const chosen = toValue(measure);
    const given = chosen === 'values' ? toValue(external) : null;
    const grids = data.get('grids');
    const cams = data.get('cameras');
    if (!grids) return null;
    const rings = outerRings(grids);
    const codes = grids.strings('code');
    const n = grids.header.count;
    const values = new Float64Array(n);
    if (chosen === 'cameraDensity' && cams) {
      const g = cams.dict('gridCode');
      const perGrid = countByDict(g.codes, g.values);
      for (let i = 0; i < n; i++) {
        const area = ringAreaKm2(rings.positions, rings.starts[i]!, rings.starts[i + 1]!);
        values[i] = area > 0 ? (perGrid.get(codes[i]!) ?? 0) / area : 0;
      }
    } else if (given) {
      for (let i = 0; i < n; i++) values[i] = given[codes[i]!] ?? 0;
    }
    const breaks = quantileBreaks(values, THEMATIC_RAMP.length);
    const vertexColors = new Uint8Array((rings.positions.length / 2) * 4);
    const none: RGBA = [40, 60, 90, chosen === 'none' ? 40 : 70];
    for (let i = 0; i < n; i++) {
      const k = classOf(values[i]!, breaks);
      const color = chosen === 'none' || k < 0 ? none : THEMATIC_RAMP[k]!;
      for (let v = rings.starts[i]!; v < rings.starts[i + 1]!; v++) vertexColors.set(color, 4 * v);
    }
    // Built once per data or measure change (deck.gl compares `data` by identity: a new object
    // on every pan would re-tessellate 10k polygons).
    const fillData = {
      length: n,
      startIndices: rings.starts,
      attributes: {
        getPolygon: { value: rings.positions, size: 2 },
        getFillColor: { value: vertexColors, size: 4, normalized: true },
      },
    };
    const outlineData = segments(rings.starts, rings.positions, true);
    return markRaw({ rings, codes, values, breaks, vertexColors, fillData, outlineData });
  });
}

export type GridMeasureData = ReturnType<typeof gridMeasure>['value'];

export interface GridLayerInput {
  layers: LayerSource;
  /** gridMeasure()'s result (one copy per page: the legend reads it too). */
  measure: Ref<GridMeasureData>;
  visible: MaybeRefOrGetter<boolean>;
  /** The district, street and community outlines. */
  regionsVisible: MaybeRefOrGetter<boolean>;
  /** The selected grid's index (-1: none). */
  selected: MaybeRefOrGetter<number>;
  onSelect(index: number): void;
}

export function useGridLayer(input: GridLayerInput): void {
  const ctx = useMapContext();
  const data = input.layers;
  const measure = input.measure;

  const outlines = computed(() => {
    const out: Partial<Record<'districts' | 'streets' | 'communities', Segments>> = {};
    for (const level of ['districts', 'streets', 'communities'] as const) {
      const l = data.get(level);
      if (!l) continue;
      const r = allRings(l);
      out[level] = markRaw(segments(r.starts, r.positions, true));
    }
    return out;
  });

  watchEffect(() => {
    const m = measure.value;
    const z = ctx.zoom.value;
    const layers: Layer[] = [];
    if (m && toValue(input.visible)) {
      const sel = toValue(input.selected);
      layers.push(
        new SolidPolygonLayer({
          id: 'grid-fill',
          data: m.fillData,
          _normalize: false,
          _windingOrder: 'CCW',
          positionFormat: 'XY',
          pickable: true,
          autoHighlight: true,
          highlightColor: [255, 255, 255, 70],
          onClick: ({ index }) => {
            if (index >= 0) input.onSelect(index);
          },
        }),
      );
      if (z >= GRID_OUTLINE_ZOOM) {
        layers.push(
          new LineLayer({
            id: 'grid-outline',
            data: m.outlineData,
            getColor: [120, 170, 230, 110],
            getWidth: 1,
            widthUnits: 'pixels',
          }),
        );
      }
      if (sel >= 0) {
        const from = m.rings.starts[sel]!,
          to = m.rings.starts[sel + 1]!;
        layers.push(
          new LineLayer({
            id: 'grid-selected',
            data: segments([0, to - from], m.rings.positions.subarray(2 * from, 2 * to), true),
            getColor: SELECTED_LINE,
            getWidth: 3,
            widthUnits: 'pixels',
          }),
        );
      }
    }
    ctx.setLayers('grids', layers);

    const regionLayers: Layer[] = [];
    if (toValue(input.regionsVisible)) {
      const o = outlines.value;
      const tiers = [
        ['communities', 13, [150, 190, 255, 120], 1],
        ['streets', 11, [170, 200, 255, 170], 1.5],
        ['districts', 0, [210, 225, 255, 230], 2.5],
      ] as const;
      for (const [level, minZoom, color, width] of tiers) {
        const r = o[level];
        if (!r || z < minZoom) continue;
        regionLayers.push(
          new LineLayer({
            id: `outline-${level}`,
            data: r,
            getColor: color as unknown as RGBA,
            getWidth: width,
            widthUnits: 'pixels',
          }),
        );
      }
    }
    ctx.setLayers('regions', regionLayers);
  });

  onBeforeUnmount(() => {
    ctx.setLayers('grids', []);
    ctx.setLayers('regions', []);
  });
}
