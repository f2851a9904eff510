/**
 * The desk's grid measure (map/layers/useGridLayer.ts: per-grid values, class breaks, fill
 * colours) over the layer store and the measure chosen in the layer panel: one copy per page,
 * shared by the grid layer, the legend and the grid card.
 */
import { createSharedComposable } from '@vueuse/core';
import { gridMeasure } from '../map/layers/useGridLayer';
import { useLayerDataStore } from '../stores/layerData';
import { useMapUiStore } from '../stores/mapUi';

export const useDeskGridMeasure = createSharedComposable(() => {
  const data = useLayerDataStore();
  const ui = useMapUiStore();
  return gridMeasure(data.layers, () => ui.gridMeasure);
});
