/**
 * One event for the leader view and the report page: its plan and its report (what happened
 * inside so far), asked of the hub at first, every 15 s, when the link comes back live, and soon
 * after the alarms or incidents inside change (so the headline follows the map).
 */
import { computed, onBeforeUnmount, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { useIntervalFn, watchDebounced } from '@vueuse/core';
import type { MajorEventView } from '@shared/major-events';
import type { MajorEventReport } from '@shared/major-event-report';
import { OPEN_STATUSES } from '@shared/incident-machine';
import { useHubStore } from '../stores/hub';
import { useAlarmStore } from '../stores/alarms';
import { useIncidentStore } from '../stores/incidents';
import { getMajorEvent, getMajorEventReport } from './api';
import { compiled, inside } from './lead';

export function useEventLead(id: MaybeRefOrGetter<string>, opts: { live: boolean }) {
  const hub = useHubStore();
  const alarms = useAlarmStore();
  const incidents = useIncidentStore();
  const event = shallowRef<MajorEventView | null>(null);
  const report = shallowRef<MajorEventReport | null>(null);
  const error = shallowRef<unknown>(null);
  let controller: AbortController | null = null;

  async function load(): Promise<void> {
    controller?.abort();
    const c = (controller = new AbortController());
    try {
      const key = toValue(id);
      const [e, r] = await Promise.all([getMajorEvent(key, c.signal), getMajorEventReport(key, c.signal)]);
      if (c.signal.aborted) return;
      event.value = e;
      report.value = r;
      error.value = null;
    } catch (e) {
      if (!c.signal.aborted) error.value = e;
    }
  }
  watch(
    () => toValue(id),
    () => void load(),
    { immediate: true },
  );
  onBeforeUnmount(() => controller?.abort());

  const perimeter = computed(() => (event.value ? compiled(event.value.perimeter) : null));
  const alarmsInside = computed(() => (perimeter.value ? inside(alarms.queue, perimeter.value) : []));
  const incidentsInside = computed(() =>
    perimeter.value
      ? inside(
          [...incidents.byId.values()].filter((i) => OPEN_STATUSES.has(i.status)),
          perimeter.value,
        )
      : [],
  );

  if (opts.live) {
    useIntervalFn(() => void load(), 15_000);
    watch(
      () => hub.connection,
      (c) => c === 'live' && void load(),
    );
    watchDebounced(
      () => alarmsInside.value.length * 10_000 + incidentsInside.value.length,
      () => void load(),
      { debounce: 2_000, maxWait: 10_000 },
    );
  }

  return { event, report, error, load, alarmsInside, incidentsInside };
}
