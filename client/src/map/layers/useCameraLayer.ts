/**
 * Cameras (~130k): bubbles with counts per district (zoomed out) and per street, points coloured
 * by type and status from zoom 13, field-of-view cones for the cameras in view from zoom 16.5.
 * Everything comes from the compact layer's typed arrays; nothing is rebuilt on pan. A click on a
 * camera or a bubble is handed to the caller (`onSelect`, `onRegion`).
 */
import { computed, markRaw, onBeforeUnmount, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { ScatterplotLayer, SolidPolygonLayer, TextLayer } from '@deck.gl/layers';
import type { Layer, PickingInfo } from '@deck.gl/core';
import { useMapContext, type LayerSource } from '../mapContext';
import { CAMERA_KIND_COLOR, CAMERA_STATUS_COLOR, colorsFromDict, SELECTED_LINE } from '../palette';
import { countByDict, fovSector, inBounds, rollUp } from '../geometry';

export const CAMERA_POINT_ZOOM = 13;
export const CAMERA_STREET_ZOOM = 11;
export const CAMERA_CONE_ZOOM = 16.5;
const MAX_CONES = 3_000;

export interface CameraLayerInput {
  layers: LayerSource;
  visible: MaybeRefOrGetter<boolean>;
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

  /** Per-camera colours (status over kind) and the region-filter mask, rebuilt only when data or filter change. */
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
    return markRaw({
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
