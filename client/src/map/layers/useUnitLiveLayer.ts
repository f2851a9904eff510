/**
 * Field units on the map, live: the static units layer (kind by outline, status by fill) with each
 * unit's pushed state laid over it (client/src/stores/units.ts: GET /units, then 'unit:batch'), so
 * a unit that moves or changes status is drawn where and as it is now. One ScatterplotLayer over
 * typed arrays, recreated with the same id when either side changes (deck.gl diffs the attributes).
 * It draws in the 'units' slot in place of the static-only drawing (usePlaceLayers no longer draws
 * units).
 */
import { computed, markRaw, onBeforeUnmount, onMounted, watchEffect } from 'vue';
import { ScatterplotLayer } from '@deck.gl/layers';
import { useMapContext } from '../mapContext';
import { useLayerDataStore } from '../layerData';
import { useMapUiStore } from '../mapUi';
import { colorsFromDict, UNIT_KIND_COLOR, UNIT_STATUS_COLOR } from '../palette';
import { useUnitStore } from '../../stores/units';
import { overlayLiveUnits, type UnitBase } from '../../incidents/unit-positions';
import { toDrawn } from '../../incidents/drawn';

export function useUnitLiveLayer() {
  const ctx = useMapContext();
  const data = useLayerDataStore();
  const ui = useMapUiStore();
  const units = useUnitStore();

  onMounted(() => void units.ensure());

  // Built once per load of the static layer.
  const base = computed<UnitBase | null>(() => {
    const u = data.layers.get('units');
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
    return b && markRaw(overlayLiveUnits(b, units.byId.values(), toDrawn, (s) => UNIT_STATUS_COLOR[s]));
  });

  watchEffect(() => {
    const a = attributes.value;
    if (!ui.visible.units || !a) {
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

  /** How many units the layer draws with a live state (tests read it from the page). */
  return { liveCount: computed(() => units.byId.size) };
}
