/**
 * Cameras (~130k): bubbles with counts per district (zoomed out) and per street, points coloured
 * by type and status from zoom 13, field-of-view cones for the cameras in view from zoom 16.5.
 * Everything comes from the compact layer's typed arrays; nothing is rebuilt on pan. A click on a
 * camera or a bubble is handed to the caller (`onSelect`, `onRegion`).
 *
 * Live statuses (issue 18: pushed by the hub, newer than the layer's) come in as `liveStatus`: on
 * each change only the changed cameras' colours are repainted (`patchCameraColors`) and deck.gl
 * re-uploads the colour attribute alone.
 */
import { computed, markRaw, onBeforeUnmount, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { ScatterplotLayer, SolidPolygonLayer, TextLayer } from '@deck.gl/layers';
import type { Layer, PickingInfo } from '@deck.gl/core';
import { useMapContext, type LayerSource } from '../mapContext';
import { CAMERA_KIND_COLOR, CAMERA_STATUS_COLOR, colorsFromDict, SELECTED_LINE, type RGBA } from '../palette';
import { countByDict, fovSector, inBounds, rollUp } from '../geometry';

export const CAMERA_POINT_ZOOM = 13;
export const CAMERA_STREET_ZOOM = 11;
export const CAMERA_CONE_ZOOM = 16.5;
const MAX_CONES = 3_000;
const FALLBACK_COLOR: RGBA = [200, 200, 200, 255];

/** Cameras' statuses newer than the layer's, by id (the caller's store). */
export interface CameraStatusSource {
  /** Bumped whenever `overrides()` answers differently for some camera. */
  version: MaybeRefOrGetter<number>;
  /** The overrides now (read untracked: follow `version`). */
  overrides(): ReadonlyMap<string, string>;
}

/** A camera's colour: its status's where the status has one (offline, alarming), else its kind's. */
export function cameraColor(kind: string, status: string): RGBA {
  return (
    CAMERA_STATUS_COLOR[status as keyof typeof CAMERA_STATUS_COLOR] ??
    CAMERA_KIND_COLOR[kind as keyof typeof CAMERA_KIND_COLOR] ??
    FALLBACK_COLOR
  );
}

/** The per-camera colours as drawn, and what a repaint of some of them needs. */
export interface CameraPaint {
  /** RGBA per camera (alpha 0: hidden by the region filter). */
  colors: Uint8Array;
  kind: { codes: ArrayLike<number>; values: readonly string[] };
  /** The layer's own statuses (as of its build). */
  status: { codes: ArrayLike<number>; values: readonly string[] };
  /** 1: inside the region filter (none: all shown). */
  mask?: Uint8Array;
  /** Camera id → row (built once per layer data, on first need). */
  rows(): ReadonlyMap<string, number>;
  /** The overrides painted into `colors` now, by id. */
  applied: Map<string, string>;
}

/**
 * Brings `p.colors` in line with `overrides`: repaints the rows whose override is new or changed,
 * and restores the layer's colour where an override went away; every other row is left alone.
 * Ids the layer does not hold are skipped. Returns how many rows were repainted.
 */
export function patchCameraColors(p: CameraPaint, overrides: ReadonlyMap<string, string>): number {
  if (overrides.size === 0 && p.applied.size === 0) return 0;
  const rows = p.rows();
  const paint = (row: number, status: string): void => {
    if (p.mask && !p.mask[row]) return;
    p.colors.set(cameraColor(p.kind.values[p.kind.codes[row]!] ?? '', status), 4 * row);
  };
  let n = 0;
  for (const id of p.applied.keys()) {
    if (overrides.has(id)) continue;
    p.applied.delete(id);
    const row = rows.get(id)!;
    paint(row, p.status.values[p.status.codes[row]!] ?? '');
    n++;
  }
  for (const [id, status] of overrides) {
    if (p.applied.get(id) === status) continue;
    const row = rows.get(id);
    if (row === undefined) continue;
    p.applied.set(id, status);
    paint(row, status);
    n++;
  }
  return n;
}

/** Camera id → row, once per layer data (a region filter change rebuilds the colours, not this). */
const rowsByLayer = new WeakMap<object, ReadonlyMap<string, number>>();
function rowsOf(layer: { strings(name: string): readonly string[] }): ReadonlyMap<string, number> {
  let rows = rowsByLayer.get(layer);
  if (!rows) rowsByLayer.set(layer, (rows = new Map(layer.strings('id').map((id, i) => [id, i]))));
  return rows;
}

export interface CameraLayerInput {
  layers: LayerSource;
  visible: MaybeRefOrGetter<boolean>;
  /** Live statuses over the layer's (none: the layer's as built). */
  liveStatus?: CameraStatusSource;
  /** A region code prefix: cameras outside it are hidden ('' = all). */
  regionFilter: MaybeRefOrGetter<string>;
  /** The selected camera's index (-1: none). */
  selected: MaybeRefOrGetter<number>;
  onSelect(index: number): void;
  /** A district's or street's bubble was clicked. */
  onRegion(code: string): void;
}

export function useCameraLayer(input: CameraLayerInput): void {
  const ctx = useMapContext();
  const data = input.layers;

  /**
   * Per-camera colours (status over kind) and the region-filter mask, rebuilt only when data or
   * filter change; live statuses are then painted over them in place (`repaint`).
   */
  const cams = computed(() => {
    const layer = data.get('cameras');
    if (!layer) return null;
    const kind = layer.dict('kind');
    const status = layer.dict('status');
    const grid = layer.dict('gridCode');
    const colors = colorsFromDict(kind.codes, kind.values, CAMERA_KIND_COLOR);
    status.values.forEach((v, code) => {
      const c = CAMERA_STATUS_COLOR[v as keyof typeof CAMERA_STATUS_COLOR];
      if (!c) return;
      for (let i = 0; i < status.codes.length; i++) if (status.codes[i] === code) colors.set(c, 4 * i);
    });
    const filter = toValue(input.regionFilter);
    let mask: Uint8Array | undefined;
    if (filter) {
      const inside = grid.values.map((g) => g.startsWith(filter));
      mask = new Uint8Array(layer.header.count);
      for (let i = 0; i < mask.length; i++) {
        mask[i] = inside[grid.codes[i]!] ? 1 : 0;
        if (!mask[i]) colors[4 * i + 3] = 0;
      }
    }
    const perGrid = countByDict(grid.codes, grid.values, mask);
    const positions = layer.numeric('position') as Float32Array;
    const paint: CameraPaint = { colors, kind, status, mask, rows: () => rowsOf(layer), applied: new Map() };
    return markRaw({
      paint,
      /** Bumped on every repaint: deck.gl's update trigger for the colours alone. */
      colorVersion: 0,
      /** The live statuses' version last painted (-1: none yet). */
      paintedVersion: -1,
      layer,
      count: layer.header.count,
      positions,
      colors,
      // Built once per data change: deck.gl compares `data` by identity, so a new object on every
      // pan would re-upload 130k points.
      pointData: {
        length: layer.header.count,
        attributes: {
          getPosition: { value: positions, size: 2 },
          getFillColor: { value: colors, size: 4, normalized: true },
        },
      },
      perDistrict: rollUp(perGrid, 6),
      perStreet: rollUp(perGrid, 9),
    });
  });

  /**
   * Paints the live statuses that changed since the last repaint. deck.gl takes the colours as a
   * binary attribute, uploaded again only when it is handed a new descriptor (same bytes): the
   * trigger makes it look, the new descriptor makes it upload, and nothing else is rebuilt.
   */
  function repaint(c: NonNullable<typeof cams.value>): void {
    const live = input.liveStatus;
    if (!live) return;
    const version = toValue(live.version);
    if (version === c.paintedVersion) return;
    c.paintedVersion = version;
    if (patchCameraColors(c.paint, live.overrides()) === 0) return;
    c.colorVersion++;
    c.pointData.attributes.getFillColor = { value: c.colors, size: 4, normalized: true };
  }

  /** Bubbles: one per district or street with a camera count, at the region's label point. */
  function bubbles(level: 'districts' | 'streets', counts: Map<string, number>): Layer[] {
    const regions = data.get(level);
    if (!regions) return [];
    const codes = regions.strings('code');
    const center = regions.numeric('center');
    interface Bubble {
      position: [number, number];
      n: number;
      code: string;
    }
    const items = codes.flatMap((code, i): Bubble[] => {
      const n = counts.get(code) ?? 0;
      return n > 0 ? [{ position: [center[2 * i]!, center[2 * i + 1]!] as [number, number], n, code }] : [];
    });
    const max = Math.max(1, ...items.map((d) => d.n));
    return [
      new ScatterplotLayer<Bubble>({
        id: `camera-bubbles-${level}`,
        data: items,
        getPosition: (d) => d.position,
        getRadius: (d) => 10 + 26 * Math.sqrt(d.n / max),
        radiusUnits: 'pixels',
        getFillColor: [64, 158, 255, 150],
        getLineColor: [160, 210, 255, 230],
        stroked: true,
        lineWidthMinPixels: 1.5,
        pickable: true,
        onClick: ({ object }: PickingInfo<Bubble>) => {
          if (object) input.onRegion(object.code);
        },
      }),
      new TextLayer<Bubble>({
        id: `camera-bubble-counts-${level}`,
        data: items,
        getPosition: (d) => d.position,
        getText: (d) => String(d.n),
        getSize: 13,
        getColor: [255, 255, 255, 255],
        fontWeight: 700,
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
      }),
    ];
  }

  watchEffect(() => {
    const c = cams.value;
    if (!c || !toValue(input.visible)) {
      ctx.setLayers('cameras', []);
      return;
    }
    repaint(c);
    const z = ctx.zoom.value;
    if (z < CAMERA_POINT_ZOOM) {
      ctx.setLayers(
        'cameras',
        bubbles(z < CAMERA_STREET_ZOOM ? 'districts' : 'streets', z < CAMERA_STREET_ZOOM ? c.perDistrict : c.perStreet),
      );
      return;
    }
    const layers: Layer[] = [];
    const b = ctx.bounds.value;
    if (z >= CAMERA_CONE_ZOOM && b) {
      const heading = c.layer.numeric('heading');
      const fov = c.layer.numeric('fov');
      const range = c.layer.numeric('rangeM');
      interface Cone {
        polygon: number[];
        color: [number, number, number, number];
      }
      const cones: Cone[] = [];
      for (let i = 0; i < c.count && cones.length < MAX_CONES; i++) {
        const x = c.positions[2 * i]!,
          y = c.positions[2 * i + 1]!;
        if (c.colors[4 * i + 3] === 0 || !inBounds(x, y, b)) continue;
        cones.push({
          polygon: fovSector(x, y, heading[i]!, fov[i]!, range[i]!),
          color: [c.colors[4 * i]!, c.colors[4 * i + 1]!, c.colors[4 * i + 2]!, 60],
        });
      }
      layers.push(
        new SolidPolygonLayer<Cone>({
          id: 'camera-cones',
          data: cones,
          getPolygon: (d) => d.polygon,
          positionFormat: 'XY',
          getFillColor: (d) => d.color,
        }),
      );
    }
    layers.push(
      new ScatterplotLayer({
        id: 'camera-points',
        data: c.pointData,
        updateTriggers: { getFillColor: c.colorVersion },
        radiusUnits: 'pixels',
        getRadius: z >= 15 ? 5 : 3,
        stroked: z >= 15,
        getLineColor: [10, 20, 35, 255],
        lineWidthMinPixels: 1,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 200],
        onClick: ({ index }) => {
          if (index >= 0) input.onSelect(index);
        },
      }),
    );
    const sel = toValue(input.selected);
    if (sel >= 0 && sel < c.count) {
      layers.push(
        new ScatterplotLayer<[number, number]>({
          id: 'camera-selected',
          data: [[c.positions[2 * sel]!, c.positions[2 * sel + 1]!]],
          getPosition: (d) => d,
          radiusUnits: 'pixels',
          getRadius: 11,
          filled: false,
          stroked: true,
          getLineColor: SELECTED_LINE,
          lineWidthMinPixels: 3,
        }),
      );
    }
    ctx.setLayers('cameras', layers);
  });

  onBeforeUnmount(() => ctx.setLayers('cameras', []));
}
