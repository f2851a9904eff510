/**
 * Open alarms on the map: one ScatterplotLayer over typed arrays built from the caller's alarms
 * (the queue; recreated with the same id on every change; deck.gl diffs the attributes), coloured
 * by priority, acknowledged ones dimmer. An alarm that arrived live pulses for PULSE_MS (the caller
 * hands arrivals to `pulse`): a second, tiny layer of just those rings, redrawn each animation
 * frame while any pulses, so the big layer is not touched per frame. A click on an alarm is handed
 * to `onPick` (the desk does what a click on its queue row does).
 *
 * Nothing here animates for ever (issue 15: an idle desk draws no frames): a pulse ends after
 * PULSE_MS, and a zone flashes only while it holds a `new` alarm whose last repeat is younger than
 * FLASH_MS; one timer, set for the next flash to end, stops it without polling.
 */
import {
  computed,
  markRaw,
  onBeforeUnmount,
  ref,
  shallowRef,
  toValue,
  watch,
  watchEffect,
  type MaybeRefOrGetter,
} from 'vue';
import { useRafFn } from '@vueuse/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { FLASH_MS, type AlarmView } from '@shared/alarms';
import { useMapContext } from '../mapContext';
import { ALARM_PRIORITY_COLOR, SELECTED_LINE } from '../palette';

export const PULSE_MS = 10_000;

/**
 * The zones to flash at `now` (ms): those holding a `new` alarm whose last repeat is younger than
 * FLASH_MS; and when the first of those flashes ends (null: none flashes), for the caller's timer.
 */
export function flashingZones(
  alarms: readonly Pick<AlarmView, 'status' | 'zone' | 'lastAt'>[],
  now: number,
): { ids: Set<string>; next: number | null } {
  const ids = new Set<string>();
  let next = Infinity;
  for (const a of alarms) {
    if (a.status !== 'new' || !a.zone) continue;
    const end = Date.parse(a.lastAt) + FLASH_MS;
    if (!(end > now)) continue;
    ids.add(a.zone.id);
    next = Math.min(next, end);
  }
  return { ids, next: Number.isFinite(next) ? next : null };
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean =>
  a.size === b.size && [...a].every((x) => b.has(x));

/** Positions and colours of the alarms, in the order given (the pick index is the array index). */
export function alarmAttributes(alarms: readonly AlarmView[]): { positions: Float32Array; colors: Uint8Array } {
  const positions = new Float32Array(2 * alarms.length);
  const colors = new Uint8Array(4 * alarms.length);
  alarms.forEach((a, i) => {
    positions[2 * i] = a.position[0];
    positions[2 * i + 1] = a.position[1];
    const c = ALARM_PRIORITY_COLOR[a.priority as 1 | 2 | 3 | 4] ?? ALARM_PRIORITY_COLOR[4];
    colors.set([c[0], c[1], c[2], a.status === 'new' ? 255 : 150], 4 * i);
  });
  return { positions, colors };
}

export interface AlarmLayerInput {
  /** The alarms to draw, in the order given (the pick index). */
  alarms: MaybeRefOrGetter<readonly AlarmView[]>;
  /** The selected alarm (ringed), or null. */
  selectedId: MaybeRefOrGetter<string | null>;
  onPick(alarm: AlarmView): void;
}

export function useAlarmLayer(input: AlarmLayerInput) {
  const ctx = useMapContext();
  /** Live arrivals still pulsing: id → when it arrived (performance.now()). */
  const pulsing = shallowRef<ReadonlyMap<string, number>>(new Map());
  const now = ref(0);
  /** How many alarms the layer handed to deck.gl holds (tests read it from the page). */
  const drawnCount = ref(0);

  /** Alarms that arrived live: they pulse for PULSE_MS. */
  function pulse(alarms: readonly AlarmView[]): void {
    const t = performance.now();
    const next = new Map(pulsing.value);
    for (const a of alarms) next.set(a.id, t);
    pulsing.value = next;
    now.value = t;
  }

  const raf = useRafFn(
    ({ timestamp }) => {
      now.value = timestamp;
      const alive = [...pulsing.value].filter(([, t]) => timestamp - t < PULSE_MS);
      if (alive.length !== pulsing.value.size) pulsing.value = new Map(alive);
    },
    { immediate: false },
  );
  watchEffect(() => (pulsing.value.size > 0 ? raf.resume() : raf.pause()));

  const points = computed(() => {
    const alarms = toValue(input.alarms);
    const { positions, colors } = alarmAttributes(alarms);
    return markRaw({
      alarms,
      data: {
        length: alarms.length,
        attributes: {
          getPosition: { value: positions, size: 2 },
          getFillColor: { value: colors, size: 4, normalized: true },
        },
      },
    });
  });

  watchEffect(() => {
    const p = points.value;
    const layers: Layer[] = [
      new ScatterplotLayer({
        id: 'alarm-points',
        data: p.data,
        radiusUnits: 'pixels',
        getRadius: 7,
        stroked: true,
        getLineColor: [255, 255, 255, 230],
        lineWidthMinPixels: 1.5,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 120],
        onClick: ({ index }) => {
          const a = p.alarms[index];
          if (a) input.onPick(a);
        },
      }),
    ];
    const pulse = pulsing.value;
    if (pulse.size > 0) {
      const t = now.value;
      const rings = p.alarms.filter((a) => pulse.has(a.id));
      layers.push(
        new ScatterplotLayer<AlarmView>({
          id: 'alarm-pulse',
          data: rings,
          getPosition: (a) => a.position,
          radiusUnits: 'pixels',
          // One ring a second growing from the dot outwards, fading as it grows.
          getRadius: (a) => 8 + 26 * (((t - pulse.get(a.id)!) % 1000) / 1000),
          getLineColor: (a) => {
            const c = ALARM_PRIORITY_COLOR[a.priority as 1 | 2 | 3 | 4] ?? ALARM_PRIORITY_COLOR[4];
            return [c[0], c[1], c[2], Math.round(255 * (1 - ((t - pulse.get(a.id)!) % 1000) / 1000))];
          },
          filled: false,
          stroked: true,
          lineWidthMinPixels: 3,
          updateTriggers: { getRadius: t, getLineColor: t },
        }),
      );
    }
    const selectedId = toValue(input.selectedId);
    const sel = selectedId ? p.alarms.find((a) => a.id === selectedId) : undefined;
    if (sel) {
      layers.push(
        new ScatterplotLayer<AlarmView>({
          id: 'alarm-selected',
          data: [sel],
          getPosition: (a) => a.position,
          radiusUnits: 'pixels',
          getRadius: 13,
          filled: false,
          stroked: true,
          getLineColor: SELECTED_LINE,
          lineWidthMinPixels: 3,
        }),
      );
    }
    ctx.setLayers('alarms', layers);
    drawnCount.value = p.alarms.length;
  });

  /** Bumped when a flash ends: the zones are worked out again then. */
  const flashTick = ref(0);
  const flashing = computed(() => {
    void flashTick.value;
    return flashingZones(toValue(input.alarms), Date.now());
  });
  let flashTimer: ReturnType<typeof setTimeout> | undefined;
  watch(
    flashing,
    ({ next }) => {
      clearTimeout(flashTimer);
      if (next !== null) flashTimer = setTimeout(() => flashTick.value++, Math.max(0, next - Date.now()) + 1);
    },
    { immediate: true },
  );
  /**
   * Zones with a new, recent alarm: the zone layer flashes them (and turns a fence corridor red).
   * The same set while its members stay the same: the zone layer is not rebuilt for every batch.
   */
  let lastZones: ReadonlySet<string> = new Set();
  const alarmingZones = computed<ReadonlySet<string>>(() => {
    const ids = flashing.value.ids;
    if (!sameSet(ids, lastZones)) lastZones = ids;
    return lastZones;
  });

  onBeforeUnmount(() => {
    clearTimeout(flashTimer);
    ctx.setLayers('alarms', []);
  });

  return { drawnCount, alarmingZones, pulse };
}
