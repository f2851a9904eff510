/**
 * Alert circles with their true metric radius, and the railway fence corridors. An alarming zone
 * flashes: `alarming` holds the ids of zones with a new, recent alarm (the desk feeds it from the
 * alarm layer, which bounds it in time); an alarming circle animates its alpha, an alarming corridor
 * turns red. Only the colour attribute is recomputed per frame, and only while something is
 * alarming: with nothing alarming, no frame is asked for.
 */
import { computed, markRaw, onBeforeUnmount, ref, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { useRafFn } from '@vueuse/core';
import { LineLayer, ScatterplotLayer } from '@deck.gl/layers';
import { useMapContext, type LayerSource } from '../mapContext';
import { colorsFromDict, ZONE_KIND_COLOR, ZONE_KIND_COLOR as Z } from '../palette';
import { segments } from '../geometry';

/** Fill colour of a zone: translucent; when alarming, pulsing between translucent and strong. */
export function zoneFill(base: readonly number[], alarming: boolean, phase: number): [number, number, number, number] {
  const a = alarming ? Math.round(60 + 150 * (0.5 + 0.5 * Math.sin(phase * Math.PI * 2))) : 38;
  return [base[0]!, base[1]!, base[2]!, a];
}

const CORRIDOR_COLOR: [number, number, number, number] = [255, 85, 0, 110];
const CORRIDOR_ALARM_COLOR: [number, number, number, number] = [255, 30, 30, 170];

/** Indexes of the features whose id is in `ids` (a handful: a linear scan of ~2,400 ids is nothing). */
function indexesOf(allIds: readonly string[] | undefined, ids: ReadonlySet<string>): Set<number> {
  const out = new Set<number>();
  if (!allIds || ids.size === 0) return out;
  allIds.forEach((id, i) => {
    if (ids.has(id)) out.add(i);
  });
  return out;
}

export interface ZoneLayerInput {
  layers: LayerSource;
  visible: MaybeRefOrGetter<boolean>;
  /** Ids of the zones to flash. */
  alarming: MaybeRefOrGetter<ReadonlySet<string>>;
}

export function useZoneLayer(input: ZoneLayerInput): void {
  const ctx = useMapContext();
  const data = input.layers;
  const phase = ref(0);
  const raf = useRafFn(({ timestamp }) => (phase.value = (timestamp % 1000) / 1000), { immediate: false });

  const circles = computed(() => {
    const l = data.get('zone-circles');
    if (!l) return null;
    const kind = l.dict('kind');
    const lineColors = colorsFromDict(kind.codes, kind.values, ZONE_KIND_COLOR);
    return markRaw({
      count: l.header.count,
      data: {
        length: l.header.count,
        attributes: {
          getPosition: { value: l.numeric('position'), size: 2 },
          getLineColor: { value: lineColors, size: 4, normalized: true },
        },
      },
      radius: l.numeric('radiusM'),
      kindOf: (i: number) => kind.values[kind.codes[i]!] as keyof typeof Z,
      ids: l.has('id') ? l.strings('id') : undefined,
    });
  });

  const corridorData = computed(() => {
    const l = data.get('zone-corridors');
    return (
      l &&
      markRaw({
        halfWidth: l.numeric('halfWidthM'),
        data: segments(l.numeric('pathStart'), l.numeric('position'), false),
        ids: l.has('id') ? l.strings('id') : undefined,
      })
    );
  });

  const alarming = computed(() => indexesOf(circles.value?.ids, toValue(input.alarming)));
  const alarmingCorridors = computed(() => indexesOf(corridorData.value?.ids, toValue(input.alarming)));

  watchEffect(() => {
    if (alarming.value.size > 0) raf.resume();
    else raf.pause();
  });

  watchEffect(() => {
    const c = circles.value;
    const corridors = corridorData.value;
    if (!toValue(input.visible)) {
      ctx.setLayers('zones', []);
      return;
    }
    const flashing = alarming.value;
    const p = flashing.size > 0 ? phase.value : 0;
    const layers = [];
    if (c) {
      layers.push(
        new ScatterplotLayer({
          id: 'zone-circles',
          data: c.data,
          getRadius: (_: unknown, { index }: { index: number }) => c.radius[index]!,
          radiusUnits: 'meters',
          getFillColor: (_: unknown, { index }: { index: number }) =>
            zoneFill(Z[c.kindOf(index)], flashing.has(index), p),
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 1.5,
          updateTriggers: { getFillColor: [flashing, p] },
        }),
      );
    }
    if (corridors) {
      const red = alarmingCorridors.value;
      layers.push(
        new LineLayer({
          id: 'zone-corridors',
          data: corridors.data,
          getWidth: (_: unknown, { index }: { index: number }) =>
            2 * corridors.halfWidth[corridors.data.pathOf[index]!]!,
          widthUnits: 'meters',
          widthMinPixels: 3,
          getColor: (_: unknown, { index }: { index: number }) =>
            red.has(corridors.data.pathOf[index]!) ? CORRIDOR_ALARM_COLOR : CORRIDOR_COLOR,
          updateTriggers: { getColor: [red] },
        }),
      );
    }
    ctx.setLayers('zones', layers);
  });

  onBeforeUnmount(() => ctx.setLayers('zones', []));
}
