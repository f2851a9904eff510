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
  'gaps',
  'heat',
] as const;
export type MapLayerId = (typeof MAP_LAYERS)[number];
/** The grid fill's measures: none, camera density (the map computes it), and the hub's figures (issue 16). */
export const GRID_MEASURES = ['none', 'cameraDensity', 'open', 'reported', 'category', 'closure'] as const;
export type GridMeasure = (typeof GRID_MEASURES)[number];
/** The measures the hub computes (GET /api/v1/stats/grid-measure). */
export type HubGridMeasure = Exclude<GridMeasure, 'none' | 'cameraDensity'>;
export const isHubGridMeasure = (m: GridMeasure): m is HubGridMeasure => m !== 'none' && m !== 'cameraDensity';

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
    gaps: true,
    // Off until asked for: its points load only then (the desk's first load stays as it was).
    heat: false,
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
