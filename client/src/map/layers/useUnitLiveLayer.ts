/**
 * Field units on the map, live: the static units layer (kind by outline, status by fill) with each
 * unit's pushed state laid over it (the caller's `live`: the unit store, GET /units then
 * 'unit:batch'), so a unit that moves or changes status is drawn where and as it is now. One
 * ScatterplotLayer over typed arrays, recreated with the same id when either side changes (deck.gl
 * diffs the attributes). It draws in the 'units' slot in place of the static-only drawing
 * (usePlaceLayers does not draw units).
 */
import { computed, markRaw, onBeforeUnmount, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { UnitLive } from '@shared/incidents';
import { useMapContext, type LayerSource, type Place } from '../mapContext';
import { colorsFromDict, UNIT_KIND_COLOR, UNIT_STATUS_COLOR } from '../palette';
import { overlayLiveUnits, type UnitBase } from '../unit-positions';

export interface UnitLiveLayerInput {
  layers: LayerSource;
  visible: MaybeRefOrGetter<boolean>;
  /** The units' live states, by id. */
  live: MaybeRefOrGetter<ReadonlyMap<string, UnitLive>>;
  /** Where the map draws a WGS84 position. */
  place: Place;
}

export function useUnitLiveLayer(input: UnitLiveLayerInput): void {
  const ctx = useMapContext();
  const data = input.layers;

  // Built once per load of the static layer.
  const base = computed<UnitBase | null>(() => {
    const u = data.get('units');
    if (!u) return null;
    const status = u.dict('status');
    const kind = u.dict('kind');
    return markRaw({
      index: new Map(u.strings('id').map((id, i) => [id, i])),
      count: u.header.count,
      positions: u.numeric('position'),
      fill: colorsFromDict(status.codes, status.values, UNIT_STATUS_COLOR),
      line: colorsFromDict(kind.codes, kind.values, UNIT_KIND_COLOR),
    });
  });

  const attributes = computed(() => {
    const b = base.value;
    return b && markRaw(overlayLiveUnits(b, toValue(input.live).values(), input.place, (s) => UNIT_STATUS_COLOR[s]));
  });

  watchEffect(() => {
    const a = attributes.value;
    if (!toValue(input.visible) || !a) {
      ctx.setLayers('units', []);
      return;
    }
    ctx.setLayers('units', [
      new ScatterplotLayer({
        id: 'units',
        data: {
          length: a.length,
          attributes: {
            getPosition: { value: a.positions, size: 2 },
            getFillColor: { value: a.fill, size: 4, normalized: true },
            getLineColor: { value: a.line, size: 4, normalized: true },
          },
        },
        getRadius: 6,
        radiusUnits: 'pixels',
        stroked: true,
        lineWidthMinPixels: 2.5,
      }),
    ]);
  });

  onBeforeUnmount(() => ctx.setLayers('units', []));
}
