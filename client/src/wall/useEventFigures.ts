/**
 * The figures since the start of the major events open in the wall's scope (at most `max`), from
 * their reports: asked when the set of open events changes, every 30 s, and when the link is back.
 */
import { computed, shallowRef, watch } from 'vue';
import { useIntervalFn } from '@vueuse/core';
import { API_PREFIX } from '@shared/api';
import { majorEventReport, type ReportFigures } from '@shared/major-event-report';
import { getJson } from '../api/http';
import { useHubStore } from '../stores/hub';
import { useMajorEventStore } from '../stores/majorEvents';

export function useEventFigures(max: number) {
  const events = useMajorEventStore();
  const hub = useHubStore();
  const figures = shallowRef<ReadonlyMap<string, ReportFigures>>(new Map());
  const shown = computed(() => events.open.slice(0, max));

  async function load(): Promise<void> {
    const next = new Map<string, ReportFigures>();
    await Promise.all(
      shown.value.map(async (e) => {
        try {
          const r = await getJson(`${API_PREFIX}/major-events/${encodeURIComponent(e.id)}/report`, majorEventReport);
          next.set(e.id, r.figures);
        } catch {
          // Kept from the last answer until the next one (a wall shows what it has).
          const held = figures.value.get(e.id);
          if (held) next.set(e.id, held);
        }
      }),
    );
    figures.value = next;
  }
  watch(
    () => shown.value.map((e) => e.id).join(','),
    () => void load(),
    { immediate: true },
  );
  watch(
    () => hub.connection,
    (c) => c === 'live' && void load(),
  );
  useIntervalFn(() => void load(), 30_000);
  return { shown, figures };
}
