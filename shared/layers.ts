/** The static layers the hub serves, each in the compact columnar form and as GeoJSON. */
export const LAYER_NAMES = [
  'districts',
  'streets',
  'communities',
  'grids',
  'cameras',
  'zone-circles',
  'zone-corridors',
  'railways',
  'speakers',
  'smart-communities',
  'gates',
  'facilities',
  'units',
] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

export function isLayerName(s: string): s is LayerName {
  return (LAYER_NAMES as readonly string[]).includes(s);
}

/** Media type of the compact form (see shared/packed.ts). */
export const PACKED_MEDIA_TYPE = 'application/vnd.cmd-dispatch.layer';
