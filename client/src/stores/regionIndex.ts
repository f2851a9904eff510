/**
 * Region codes → names and feature indexes, from the four region layers. Codes nest by prefix
 * (district 6, street 9, community 12, grid 15 digits), so a region path is a few lookups.
 */
import { computed, markRaw } from 'vue';
import { createSharedComposable } from '@vueuse/core';
import type { LayerName } from '@shared/layers';
import { useLayerDataStore } from './layerData';

export const REGION_LAYERS = ['districts', 'streets', 'communities', 'grids'] as const satisfies readonly LayerName[];
export type RegionLayer = (typeof REGION_LAYERS)[number];
const PREFIXES = [6, 9, 12, 15] as const;

export interface RegionRef {
  code: string;
  name: string;
  layer: RegionLayer;
  index: number;
}

/** Shared by every component that asks: one index per page, rebuilt only when a region layer changes. */
export const useRegionIndex = createSharedComposable(() => {
  const data = useLayerDataStore();
  const byCode = computed(() => {
    const m = new Map<string, RegionRef>();
    for (const layer of REGION_LAYERS) {
      const l = data.layers.get(layer);
      if (!l) continue;
      const codes = l.strings('code');
      const names = l.strings('name');
      codes.forEach((code, index) => m.set(code, { code, name: names[index] ?? code, layer, index }));
    }
    return markRaw(m);
  });

  /** district › street › community › grid for any code (as far as the code goes). */
  function pathOf(code: string): RegionRef[] {
    return PREFIXES.filter((n) => code.length >= n).flatMap((n) => {
      const r = byCode.value.get(code.slice(0, n));
      return r ? [r] : [];
    });
  }

  return { byCode, pathOf };
});
