/**
 * The desk's grid measure (map/layers/useGridLayer.ts: per-grid values, class breaks, fill
 * colours) over the layer store and the measure chosen in the layer panel: one copy per page,
 * shared by the grid layer, the legend and the grid card. The hub's figures (open incidents, a
 * month's reports, a category, the closure rate) load when one of them is chosen, and again when
 * its month or category changes.
 */
import { watch } from 'vue';
import { createSharedComposable } from '@vueuse/core';
import { gridMeasure } from '../map/layers/useGridLayer';
import { useLayerDataStore } from '../stores/layerData';
import { isHubGridMeasure, useMapUiStore } from '../stores/mapUi';
import { useGridFiguresStore } from '../stores/gridFigures';

export const useDeskGridMeasure = createSharedComposable(() => {
  const data = useLayerDataStore();
  const ui = useMapUiStore();
  const figures = useGridFiguresStore();
  watch(
    () => [ui.gridMeasure, figures.month, figures.category] as const,
    ([m]) => isHubGridMeasure(m) && void figures.load(m),
    { immediate: true },
  );
  return gridMeasure(
    data.layers,
    () => {
      const m = ui.gridMeasure;
      if (m === 'none' || m === 'cameraDensity') return m;
      // Until the chosen figures are there, a plain fill (not the last measure's colours).
      return figures.status === 'ready' && figures.reply?.measure === m ? 'values' : 'none';
    },
    () => figures.reply?.values ?? null,
  );
});
