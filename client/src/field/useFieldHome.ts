/**
 * The field unit's home (GET /field/home): its unit and assignments with the actions allowed.
 * Fetched when the page opens, every 10 s while it is visible, at once when it becomes visible
 * again (a phone woken from the pocket), when asked (after an action, a stale answer), and soon
 * after the socket's incident store sees a change to one of this unit's incidents (the push is
 * faster than the poll; the poll still covers a phone whose socket is down).
 */
import { computed, ref, shallowRef, watch } from 'vue';
import { useDocumentVisibility, useIntervalFn, watchDebounced } from '@vueuse/core';
import { useIncidentStore } from '../stores/incidents';
import type { FieldHome } from '@shared/incidents';
import { useLatestRequest } from '../common/useLatestRequest';
import { useReportErrorText } from '../report/useReportErrorText';
import { getFieldHome } from './api';
import { byUrgency } from './fieldActions';

export const HOME_POLL_MS = 10_000;

export function useFieldHome() {
  const home = shallowRef<FieldHome | null>(null);
  /** When the home last loaded (ms). A failure keeps the last good home on screen; the error says it may be old. */
  const loadedAt = ref<number | null>(null);
  const { loading, error, run } = useLatestRequest(useReportErrorText());

  function reload(): Promise<void> {
    return run(getFieldHome, (h) => {
      home.value = h;
      loadedAt.value = Date.now();
    });
  }

  const poll = useIntervalFn(() => void reload(), HOME_POLL_MS, { immediate: false });
  const visibility = useDocumentVisibility();
  watch(
    visibility,
    (v) => {
      if (v !== 'visible') {
        poll.pause();
        return;
      }
      void reload();
      poll.resume();
    },
    { immediate: true },
  );

  const assignments = computed(() => byUrgency(home.value?.assignments ?? []));

  // The versions of the pushed incidents that concern this unit: on my list, or assigned to me.
  const incidents = useIncidentStore();
  const pushed = computed(() => {
    const h = home.value;
    if (!h) return '';
    const listed = new Set(h.assignments.map((a) => a.incident.id));
    const seen: string[] = [];
    for (const i of incidents.byId.values()) {
      if (listed.has(i.id) || i.assignments.some((a) => a.unitId === h.unit.id)) seen.push(`${i.id}:${i.version}`);
    }
    return seen.sort().join(',');
  });
  watchDebounced(
    pushed,
    (now, before) => {
      if (before && visibility.value === 'visible') void reload();
    },
    { debounce: 300 },
  );

  return { home, assignments, error, loading, loadedAt, reload };
}
