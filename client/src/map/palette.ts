/** Colours of the map's layers and legends: one table, used by the layers and by the legend. */
import type { CameraKind, CameraStatus, FacilityKind, UnitKind, UnitStatus, ZoneKind } from '@shared/world';

export type RGBA = [number, number, number, number];

export const CAMERA_KIND_COLOR: Record<CameraKind, RGBA> = {
  city_hd: [64, 158, 255, 230],
  ai: [178, 102, 255, 230],
  social: [54, 207, 201, 220],
  community: [82, 196, 26, 230],
  railway: [250, 173, 20, 240],
};
/** Status overrides kind: offline greys out, alarming turns red. */
export const CAMERA_STATUS_COLOR: Partial<Record<CameraStatus, RGBA>> = {
  offline: [110, 118, 130, 160],
  alarming: [255, 59, 48, 255],
};

export const ZONE_KIND_COLOR: Record<ZoneKind, RGBA> = {
  key_person: [255, 77, 79, 255],
  landmark: [250, 140, 22, 255],
  hospital: [235, 47, 150, 255],
  school: [250, 219, 20, 255],
  community: [82, 196, 26, 255],
  railway: [255, 85, 0, 255],
};

export const FACILITY_COLOR: Record<FacilityKind, RGBA> = {
  hospital: [235, 47, 150, 255],
  school: [250, 219, 20, 255],
  police_kiosk: [47, 84, 235, 255],
};

export const UNIT_STATUS_COLOR: Record<UnitStatus, RGBA> = {
  available: [82, 196, 26, 255],
  busy: [250, 140, 22, 255],
  offline: [110, 118, 130, 255],
};
export const UNIT_KIND_COLOR: Record<UnitKind, RGBA> = {
  police: [47, 84, 235, 255],
  patrol_car: [24, 144, 255, 255],
  grid_worker: [19, 194, 194, 255],
  fire: [245, 34, 45, 255],
  medical: [255, 255, 255, 255],
  department: [173, 139, 115, 255],
};

/** Sequential ramp for thematic grid fills (low → high). */
export const THEMATIC_RAMP: RGBA[] = [
  [12, 44, 132, 110],
  [34, 94, 168, 120],
  [29, 145, 192, 130],
  [65, 182, 196, 140],
  [127, 205, 187, 150],
  [199, 233, 180, 160],
];

export const RAILWAY_COLOR: RGBA = [220, 220, 220, 255];
export const SPEAKER_COLOR: RGBA = [255, 214, 0, 255];
export const COMPOUND_COLOR: RGBA = [82, 196, 26, 60];
export const COMPOUND_LINE: RGBA = [82, 196, 26, 200];
export const GATE_COLOR: RGBA = [149, 222, 100, 255];
export const HIGHLIGHT: RGBA = [255, 255, 255, 90];
export const SELECTED_LINE: RGBA = [0, 255, 255, 255];
/** Coverage gaps: amber, translucent, over the grid fill; a bright outline reads at city scale. */
export const GAP_FILL: RGBA = [255, 150, 0, 110];
export const GAP_LINE: RGBA = [255, 190, 60, 255];

/** Per-item RGBA for dictionary-coded columns: colour[code] looked up once per item. */
export function colorsFromDict<K extends string>(
  codes: ArrayLike<number>,
  values: readonly string[],
  table: Record<K, RGBA>,
  fallback: RGBA = [200, 200, 200, 255],
): Uint8Array {
  const lut = values.map((v) => table[v as K] ?? fallback);
  const out = new Uint8Array(codes.length * 4);
  for (let i = 0; i < codes.length; i++) out.set(lut[codes[i]!]!, 4 * i);
  return out;
}

/** Alarm priority colours: 1 red, 2 orange, 3 yellow, 4 blue (map, queue rows, popups). */
export const ALARM_PRIORITY_COLOR: Record<1 | 2 | 3 | 4, RGBA> = {
  1: [255, 59, 48, 255],
  2: [255, 140, 0, 255],
  3: [250, 219, 20, 255],
  4: [64, 158, 255, 255],
};
export const alarmCss = (priority: number): string => {
  const c = ALARM_PRIORITY_COLOR[priority as 1 | 2 | 3 | 4] ?? ALARM_PRIORITY_COLOR[4];
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
};

/** Incident heat, low → high (YlOrRd): warm over the dark basemap, apart from the blue grid fill. */
export const HEAT_RAMP: [number, number, number][] = [
  [255, 255, 178],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];

/** Major events (issue 17): the perimeter, its buffer ring, and posts by their units' state. */
export const EVENT_PERIMETER_LINE: RGBA = [255, 176, 32, 255];
export const EVENT_PERIMETER_FILL: RGBA = [255, 176, 32, 28];
export const EVENT_RING_LINE: RGBA = [255, 176, 32, 150];
export const POST_STATE_COLOR: Record<'ready' | 'partial' | 'down', RGBA> = {
  ready: [82, 196, 26, 255],
  partial: [250, 140, 22, 255],
  down: [110, 118, 130, 255],
};
