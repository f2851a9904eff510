/**
 * Incident heat over time (issue 16): the points of GET /api/v1/stats/heat for the chosen window
 * (today, 7 days, 30 days, 12 months) and region, and the slider's sub-window and playback.
 * Nothing is fetched until a screen asks (`show`): the desk's first load stays as it was.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { API_PREFIX } from '@shared/api';
import { heatReply, STATS_PERIODS, type StatsPeriod } from '@shared/stats';
import { getJson, isAbort } from '../api/http';
import {
  filterRange,
  heatColorDomain,
  heatPoints,
  lastStart,
  nextStart,
  peakCellCount,
  playbackFor,
  snapStart,
  type HeatPoints,
} from '@shared/heat-time';

/** How long each frame of playback shows. */
export const HEAT_PLAY_MS = 600;

export { STATS_PERIODS as HEAT_PERIODS };

export const useHeatStore = defineStore('heat', () => {
  const period = ref<StatsPeriod>('7d');
  /** Region code ('' = the caller's whole scope). */
  const region = ref('');
  const points = shallowRef<HeatPoints | null>(null);
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const error = ref<unknown>(null);
  /** The sub-window's start in minutes from the points' origin; null = the whole window. */
  const start = ref<number | null>(null);
  const playing = ref(false);
  let loadedKey = '';
  let ctrl: AbortController | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  const playback = computed(() => (points.value ? playbackFor(points.value.span) : null));
  const range = computed<[number, number]>(() =>
    points.value && playback.value ? filterRange(start.value, points.value.span, playback.value) : [0, 0],
  );
  // One domain per reply and mode (whole window or sub-window): fixed while panning and playing.
  const domainWhole = computed(() => (points.value ? heatColorDomain(peakCellCount(points.value, null)) : [1, 2]));
  const domainSliding = computed(() =>
    points.value && playback.value ? heatColorDomain(peakCellCount(points.value, playback.value)) : [1, 2],
  );
  const colorDomain = computed<[number, number]>(
    () => (start.value == null ? domainWhole.value : domainSliding.value) as [number, number],
  );

  async function load(): Promise<void> {
    const key = `${period.value}|${region.value}`;
    if (key === loadedKey && status.value !== 'error') return;
    loadedKey = key;
    ctrl?.abort();
    const c = (ctrl = new AbortController());
    status.value = 'loading';
    stop();
    const q = new URLSearchParams({ period: period.value });
    if (region.value) q.set('region', region.value);
    try {
      const reply = await getJson(`${API_PREFIX}/stats/heat?${q}`, heatReply, c.signal);
      points.value = heatPoints(reply);
      start.value = null;
      status.value = 'ready';
      error.value = null;
    } catch (e) {
      if (isAbort(e)) return;
      status.value = 'error';
      error.value = e;
      loadedKey = '';
    }
  }

  function stop(): void {
    playing.value = false;
    if (timer) clearInterval(timer);
    timer = null;
  }

  function step(): void {
    const h = points.value,
      p = playback.value;
    if (!h || !p) return;
    start.value = nextStart(start.value ?? -p.step, h.span, p);
  }

  return {
    period: computed(() => period.value),
    region: computed(() => region.value),
    points: computed(() => points.value),
    status: computed(() => status.value),
    error: computed(() => error.value),
    start: computed(() => start.value),
    playing: computed(() => playing.value),
    playback,
    range,
    colorDomain,
    /** The slider's last start (minutes). */
    lastStart: computed(() => (points.value && playback.value ? lastStart(points.value.span, playback.value) : 0)),
    /** Loads the points for the current window and region (once per pair). */
    show: load,
    setPeriod(p: StatsPeriod) {
      period.value = p;
      void load();
    },
    setRegion(code: string) {
      region.value = code;
      if (status.value !== 'idle') void load();
    },
    /** A sub-window starting at `minutes` (snapped to the step), or the whole window (null). */
    setStart(minutes: number | null) {
      const h = points.value,
        p = playback.value;
      start.value = minutes == null || !h || !p ? null : snapStart(minutes, h.span, p);
    },
    play() {
      if (playing.value || !points.value) return;
      playing.value = true;
      if (start.value == null) start.value = 0;
      timer = setInterval(step, HEAT_PLAY_MS);
    },
    pause: stop,
    step,
  };
});
