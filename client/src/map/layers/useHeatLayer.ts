/**
 * Incident heat over time (issue 16): a HeatmapLayer of the caller's heat points, filtered on the
 * GPU to the chosen sub-window by DataFilterExtension (times as minutes from the window's start,
 * shared/heat-time.ts), with a fixed colour domain so colours hold while the map pans.
 *
 * deck.gl's aggregation layers and extensions load only when the layer is first shown (a dynamic
 * import), so the desk's first load does not grow by them. HeatmapLayer draws right in MapLibre's
 * interleaved mode from deck.gl 9.2.7 (deck.gl#9452, #9993): package.json asks for ^9.4.
 */
import {
  computed,
  markRaw,
  onBeforeUnmount,
  ref,
  shallowRef,
  toValue,
  watch,
  watchEffect,
  type MaybeRefOrGetter,
} from 'vue';
import type { Layer } from '@deck.gl/core';
import { useMapContext, type Place } from '../mapContext';
import type { HeatPoints } from '@shared/heat-time';
import { HEAT_RAMP } from '../palette';

type HeatmapLayerClass = typeof import('@deck.gl/aggregation-layers').HeatmapLayer;
type HeatModules = {
  HeatmapLayer: HeatmapLayerClass;
  DataFilterExtension: typeof import('@deck.gl/extensions').DataFilterExtension;
};

/**
 * HeatmapLayer that hands the data filter's settings to its weights pass. HeatmapLayer (a
 * composite layer) sums the points into a texture while it updates, with a model of its own;
 * DataFilterExtension sets its uniforms only on the models a layer draws (its `draw` hook), so
 * that pass would run with the filter's defaults and keep nothing. The same props the extension
 * sets (data-filter-extension.js, draw) are set on the weights model before each pass.
 */
function filteredHeatmap(Base: HeatmapLayerClass): HeatmapLayerClass {
  class FilteredHeatmapLayer extends Base {
    static override layerName = 'FilteredHeatmapLayer';
    override _updateWeightmap(): void {
      const p = this.props as typeof this.props & Record<string, unknown>;
      this.state.weightsTransform?.model.shaderInputs.setProps({
        dataFilter: {
          extensions: p.extensions,
          filterEnabled: p.filterEnabled ?? true,
          filterRange: p.filterRange,
          filterSoftRange: p.filterSoftRange ?? null,
          filterTransformSize: p.filterTransformSize ?? true,
          filterTransformColor: p.filterTransformColor ?? true,
        },
      });
      super._updateWeightmap();
    }
  }
  // The generic signature is the base's; the subclass adds no props.
  return FilteredHeatmapLayer as unknown as HeatmapLayerClass;
}

let modules: Promise<HeatModules> | null = null;
function loadModules(): Promise<HeatModules> {
  modules ??= Promise.all([import('@deck.gl/aggregation-layers'), import('@deck.gl/extensions')]).then(([a, e]) => ({
    HeatmapLayer: filteredHeatmap(a.HeatmapLayer),
    DataFilterExtension: e.DataFilterExtension,
  }));
  return modules;
}

export interface HeatLayerInput {
  /** The points (null: none loaded). */
  heat: MaybeRefOrGetter<HeatPoints | null>;
  visible: MaybeRefOrGetter<boolean>;
  /** The shown sub-window as [from, to] minutes from the points' origin. */
  range: MaybeRefOrGetter<[number, number]>;
  /** HeatmapLayer's colorDomain (heat-time.ts: heatColorDomain). */
  colorDomain: MaybeRefOrGetter<[number, number]>;
  /** Where the map draws a WGS84 position. */
  place: Place;
}

export function useHeatLayer(input: HeatLayerInput) {
  const ctx = useMapContext();
  const loaded = shallowRef<HeatModules | null>(null);
  /** deck.gl layer updates so far (tests read it: the slider moved the filter). */
  const drawnRange = ref<[number, number] | null>(null);

  watch(
    () => toValue(input.visible),
    (on) => {
      if (on && !loaded.value) void loadModules().then((m) => (loaded.value = markRaw(m)));
    },
    { immediate: true },
  );

  const data = computed(() => {
    const h = toValue(input.heat);
    if (!h) return null;
    const positions = new Float32Array(h.positions.length);
    for (let i = 0; i < h.count; i++) {
      const [x, y] = input.place([h.positions[2 * i]!, h.positions[2 * i + 1]!]);
      positions[2 * i] = x;
      positions[2 * i + 1] = y;
    }
    return markRaw({
      length: h.count,
      attributes: {
        getPosition: { value: positions, size: 2 },
        getFilterValue: { value: h.times, size: 1 },
      },
    });
  });

  let filter: InstanceType<HeatModules['DataFilterExtension']> | null = null;
  watchEffect(() => {
    const m = loaded.value;
    const d = data.value;
    if (!m || !d || !toValue(input.visible)) {
      ctx.setLayers('heat', []);
      drawnRange.value = null;
      return;
    }
    filter ??= new m.DataFilterExtension({ filterSize: 1 });
    const range = toValue(input.range);
    const layers: Layer[] = [
      new m.HeatmapLayer({
        id: 'incident-heat',
        data: d,
        getWeight: 1,
        radiusPixels: 30,
        intensity: 1,
        colorRange: HEAT_RAMP,
        colorDomain: toValue(input.colorDomain),
        aggregation: 'SUM',
        extensions: [filter],
        filterRange: range,
      } as ConstructorParameters<HeatModules['HeatmapLayer']>[0]),
    ];
    ctx.setLayers('heat', layers);
    drawnRange.value = range;
  });

  onBeforeUnmount(() => ctx.setLayers('heat', []));

  return { drawnRange, loaded: computed(() => loaded.value != null) };
}
