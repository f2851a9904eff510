/**
 * What the one map component shares with its layer composables (provide/inject): the MapLibre
 * map, the current zoom and bounds, and a registry where each layer composable puts its deck.gl
 * layers under its own key. The map component draws the registry in a fixed order.
 */
import { inject, type InjectionKey, type Ref, type ShallowRef } from 'vue';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Layer } from '@deck.gl/core';
import type { LayerName } from '@shared/layers';
import type { PackedLayer } from '@shared/packed';

export type Bounds = [west: number, south: number, east: number, north: number];

/**
 * The static layers as a layer composable reads them: the caller's (the layer store's `layers`),
 * reactive per layer. The map's composables take their data and handlers as inputs and read no
 * store themselves.
 */
export interface LayerSource {
  get(name: LayerName): PackedLayer | undefined;
}

/** Where the map draws a WGS84 point (the basemap may be drawn in GCJ-02). */
export type Place = (p: readonly [number, number]) => [number, number];

/** Bottom to top. */
export const LAYER_ORDER = [
  'grids',
  'gaps',
  'regions',
  'heat',
  'smart-communities',
  'zones',
  'events',
  'railway',
  'facilities',
  'cameras',
  'trails',
  'units',
  'incidents',
  'alarms',
  'highlight',
] as const;
export type LayerSlot = (typeof LAYER_ORDER)[number];

export interface MapContext {
  map: ShallowRef<MapLibreMap | null>;
  zoom: Ref<number>;
  bounds: ShallowRef<Bounds | null>;
  setLayers(slot: LayerSlot, layers: Layer[]): void;
  /** Block until the GPU has finished the frames issued so far (see MapHandle.settle). */
  settle(): void;
  /** `animate: false` jumps (a deep link on page load: no seconds of flight frames). */
  flyTo(lonLat: [number, number], zoom?: number, animate?: boolean): void;
  fitBounds(b: Bounds, animate?: boolean): void;
}

export const MAP_CONTEXT: InjectionKey<MapContext> = Symbol('map');

export function useMapContext(): MapContext {
  const ctx = inject(MAP_CONTEXT);
  if (!ctx) throw new Error('useMapContext() outside <MapView>');
  return ctx;
}
