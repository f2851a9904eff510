/**
 * The smaller point and line layers: railway lines with their loudspeakers, smart communities
 * with their gates, hospitals / schools / police kiosks. Field units are drawn by useUnitLiveLayer
 * (the static layer with their live positions and status over it).
 */
import { computed, markRaw, onBeforeUnmount, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { LineLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { useMapContext, type LayerSource } from '../mapContext';
import { outerRings, segments } from '../geometry';
import {
  colorsFromDict,
  COMPOUND_COLOR,
  COMPOUND_LINE,
  FACILITY_COLOR,
  GATE_COLOR,
  RAILWAY_COLOR,
  SPEAKER_COLOR,
} from '../palette';
import type { PackedLayer } from '@shared/packed';

export const GATE_ZOOM = 15;

const points = (l: PackedLayer, extra: Record<string, unknown> = {}) => ({
  length: l.header.count,
  attributes: { getPosition: { value: l.numeric('position'), size: 2 }, ...extra },
});

export interface PlaceLayersInput {
  layers: LayerSource;
  visible: {
    railway: MaybeRefOrGetter<boolean>;
    smartCommunities: MaybeRefOrGetter<boolean>;
    facilities: MaybeRefOrGetter<boolean>;
  };
}

export function usePlaceLayers(input: PlaceLayersInput): void {
  const ctx = useMapContext();
  const data = input.layers;
  const visible = input.visible;

  // Binary data objects, built once per layer load (deck.gl compares `data` by identity).
  const railData = computed(() => {
    const rail = data.get('railways');
    return rail && markRaw(segments(rail.numeric('pathStart'), rail.numeric('position'), false));
  });
  const compoundData = computed(() => {
    const sc = data.get('smart-communities');
    if (!sc) return undefined;
    const rings = outerRings(sc);
    return markRaw({
      fill: {
        length: sc.header.count,
        startIndices: rings.starts,
        attributes: { getPolygon: { value: rings.positions, size: 2 } },
      },
      outline: segments(rings.starts, rings.positions, true),
    });
  });

  watchEffect(() => {
    const rail = railData.value;
    const speakers = data.get('speakers');
    const layers: Layer[] = [];
    if (toValue(visible.railway) && rail) {
      layers.push(
        new LineLayer({
          id: 'railways',
          data: rail,
          getColor: RAILWAY_COLOR,
          getWidth: 3,
          widthUnits: 'pixels',
        }),
      );
      if (speakers) {
        layers.push(
          new ScatterplotLayer({
            id: 'speakers',
            data: points(speakers),
            getFillColor: SPEAKER_COLOR,
            getRadius: 4,
            radiusUnits: 'pixels',
            stroked: true,
            getLineColor: [40, 30, 0, 255],
            lineWidthMinPixels: 1,
          }),
        );
      }
    }
    ctx.setLayers('railway', layers);
  });

  watchEffect(() => {
    const sc = compoundData.value;
    const gates = data.get('gates');
    const layers: Layer[] = [];
    if (toValue(visible.smartCommunities) && sc) {
      layers.push(
        new SolidPolygonLayer({
          id: 'smart-communities',
          data: sc.fill,
          _normalize: false,
          _windingOrder: 'CCW',
          positionFormat: 'XY',
          getFillColor: COMPOUND_COLOR,
        }),
        new LineLayer({
          id: 'smart-community-outlines',
          data: sc.outline,
          getColor: COMPOUND_LINE,
          getWidth: 1,
          widthUnits: 'pixels',
        }),
      );
      if (gates && ctx.zoom.value >= GATE_ZOOM) {
        layers.push(
          new ScatterplotLayer({
            id: 'gates',
            data: points(gates),
            getFillColor: GATE_COLOR,
            getRadius: 3,
            radiusUnits: 'pixels',
          }),
        );
      }
    }
    ctx.setLayers('smart-communities', layers);
  });

  watchEffect(() => {
    const f = data.get('facilities');
    if (!toValue(visible.facilities) || !f) {
      ctx.setLayers('facilities', []);
      return;
    }
    const kind = f.dict('kind');
    ctx.setLayers('facilities', [
      new ScatterplotLayer({
        id: 'facilities',
        data: points(f, {
          getFillColor: { value: colorsFromDict(kind.codes, kind.values, FACILITY_COLOR), size: 4, normalized: true },
        }),
        getRadius: 6,
        radiusUnits: 'pixels',
        stroked: true,
        getLineColor: [255, 255, 255, 230],
        lineWidthMinPixels: 1.5,
      }),
    ]);
  });

  onBeforeUnmount(() => {
    for (const slot of ['railway', 'smart-communities', 'facilities'] as const) ctx.setLayers(slot, []);
  });
}
