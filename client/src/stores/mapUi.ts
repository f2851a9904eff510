/**
 * What the desk has chosen on the map: which layers show, the grid fill measure, the region the
 * map is filtered to, and what is selected (a camera or a grid, by index into its layer).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export const MAP_LAYERS = [
  'cameras',
  'grids',
  'regions',
  'zones',
  'railway',
  'smartCommunities',
  'facilities',
  'units',
  'trails',
] as const;
export type MapLayerId = (typeof MAP_LAYERS)[number];
export const GRID_MEASURES = ['none', 'cameraDensity'] as const;
export type GridMeasure = (typeof GRID_MEASURES)[number];

export type Selection = { kind: 'camera'; index: number } | { kind: 'grid'; index: number } | null;

export const useMapUiStore = defineStore('mapUi', () => {
  const visible = ref<Record<MapLayerId, boolean>>({
    cameras: true,
    grids: true,
    regions: true,
    zones: true,
    railway: true,
    smartCommunities: true,
    facilities: true,
    units: true,
    trails: true,
  });
  const gridMeasure = ref<GridMeasure>('cameraDensity');
  /** Region code the map is filtered to ('' = the whole city). */
  const regionFilter = ref('');
  const selection = ref<Selection>(null);

  return {
    visible: computed(() => visible.value),
    gridMeasure: computed(() => gridMeasure.value),
    regionFilter: computed(() => regionFilter.value),
    selection: computed(() => selection.value),
    setVisible(id: MapLayerId, on: boolean) {
      visible.value = { ...visible.value, [id]: on };
    },
    setGridMeasure(m: GridMeasure) {
      gridMeasure.value = m;
    },
    setRegionFilter(code: string) {
      regionFilter.value = code;
    },
    select(s: Selection) {
      selection.value = s;
    },
  };
});
