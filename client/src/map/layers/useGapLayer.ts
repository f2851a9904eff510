/**
 * Coverage gaps (issue 17): the grids with no available unit of a need within reach, filled amber
 * with a bright outline above the grid fill, at every zoom (a handful of grids among ten thousand
 * must read at city scale). The caller says which grid codes are gaps (the coverage store: the hub's open gaps).
 */
import { computed, markRaw, onBeforeUnmount, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { LineLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { useMapContext, type LayerSource } from '../mapContext';
import { outerRings, segments } from '../geometry';
import { GAP_FILL, GAP_LINE } from '../palette';

export interface GapLayerInput {
  layers: LayerSource;
  visible: MaybeRefOrGetter<boolean>;
  /** The grids that are gaps now. */
  gridCodes: MaybeRefOrGetter<ReadonlySet<string>>;
}

export function useGapLayer(input: GapLayerInput): void {
  const ctx = useMapContext();
  /** Every grid's outer ring, once per data change. */
  const rings = computed(() => {
    const grids = input.layers.get('grids');
    if (!grids) return null;
    return markRaw({ rings: outerRings(grids), codes: grids.strings('code') });
  });
  const gaps = computed(() => {
    const r = rings.value;
    const wanted = toValue(input.gridCodes);
    if (!r || wanted.size === 0) return null;
    const starts: number[] = [0];
    const positions: number[] = [];
    r.codes.forEach((code, i) => {
      if (!wanted.has(code)) return;
      const from = r.rings.starts[i]!,
        to = r.rings.starts[i + 1]!;
      for (let v = 2 * from; v < 2 * to; v++) positions.push(r.rings.positions[v]!);
      starts.push(positions.length / 2);
    });
    if (starts.length === 1) return null;
    const s = Uint32Array.from(starts);
    const p = Float32Array.from(positions);
    return markRaw({
      fill: { length: s.length - 1, startIndices: s, attributes: { getPolygon: { value: p, size: 2 } } },
      outline: segments(s, p, true),
    });
  });

  watchEffect(() => {
    const g = gaps.value;
    const layers: Layer[] = [];
    if (g && toValue(input.visible))
      layers.push(
        new SolidPolygonLayer({
          id: 'gap-fill',
          data: g.fill,
          _normalize: false,
          _windingOrder: 'CCW',
          positionFormat: 'XY',
          getFillColor: GAP_FILL,
        }),
        new LineLayer({ id: 'gap-outline', data: g.outline, getColor: GAP_LINE, getWidth: 2, widthUnits: 'pixels' }),
      );
    ctx.setLayers('gaps', layers);
  });
  onBeforeUnmount(() => ctx.setLayers('gaps', []));
}
