/**
 * The coverage gaps open now in the user's scope (issue 17), one per grid and need: what the desk's
 * and the wall's maps fill and the wall's coverage panel counts. One alarm stands for all of a
 * district's gap grids of a need, so the grids come from the hub (`GET /coverage/gaps`): asked when
 * first used, whenever a gap alarm opens, grows or clears, every 30 s, and when the link is back.
 */
import { defineStore } from 'pinia';
import { computed, shallowRef, watch } from 'vue';
import { watchDebounced } from '@vueuse/core';
import { API_PREFIX } from '@shared/api';
import { coverageGapsReply, type CoverageGapView } from '@shared/coverage';
import { getJson } from '../api/http';
import { useAlarmStore } from './alarms';
import { useHubStore } from './hub';

const REFRESH_MS = 30_000;

export const useCoverageStore = defineStore('coverage', () => {
  const alarms = useAlarmStore();
  const hub = useHubStore();
  const gaps = shallowRef<CoverageGapView[]>([]);
  let users = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  let inFlight: Promise<void> | null = null;
  let again = false;

  function refresh(): Promise<void> {
    if (inFlight) {
      // A change while asking: ask once more after this answer.
      again = true;
      return inFlight;
    }
    inFlight = getJson(`${API_PREFIX}/coverage/gaps`, coverageGapsReply)
      .then((r) => {
        gaps.value = r.gaps;
      })
      .catch(() => {
        // Kept as they were: the next change, tick or reconnect asks again.
      })
      .finally(() => {
        inFlight = null;
        if (again && users > 0) {
          again = false;
          void refresh();
        }
      });
    return inFlight;
  }

  /** A screen uses the gaps from now until the returned function is called. */
  function use(): () => void {
    users++;
    if (users === 1) {
      void refresh();
      timer = setInterval(() => void refresh(), REFRESH_MS);
    }
    return () => {
      users--;
      if (users === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    };
  }

  watchDebounced(
    () => alarms.gapSignature,
    () => users > 0 && void refresh(),
    { debounce: 300, maxWait: 2000 },
  );
  watch(
    () => hub.connection,
    (c) => c === 'live' && users > 0 && void refresh(),
  );

  /** The grids with a gap of any need. */
  const gridCodes = computed(() => new Set(gaps.value.map((g) => g.gridCode)));

  return { gaps, gridCodes, refresh, use };
});
