/**
 * The history (closed, merged and cancelled incidents) of the list's 'closed' group: asked from the
 * hub a page at a time (keyset: the page's `nextCursor`), with the list's other filters and sort.
 * Asked afresh whenever those change.
 */
import { computed, ref, shallowRef, watch, type Ref } from 'vue';
import type { IncidentView } from '@shared/incidents';
import { useLatestRequest } from '../common/useLatestRequest';
import { listIncidents } from './api';
import { historyQuery, type IncidentFilters, type IncidentSort } from '../stores/incidentList';

const PAGE = 100;

export function useIncidentHistory(filters: Ref<IncidentFilters>, sort: Ref<IncidentSort>) {
  const items = shallowRef<IncidentView[]>([]);
  const cursor = ref<string | null>(null);
  const { loading, error, run, cancel } = useLatestRequest();

  function page(first: boolean): Promise<void> {
    return run(
      (signal) => listIncidents(historyQuery(filters.value, sort.value, PAGE, first ? null : cursor.value), signal),
      (p) => {
        // Keyset pages do not overlap, but a row may have moved between pages: keep each id once.
        const seen = new Set(first ? [] : items.value.map((i) => i.id));
        items.value = [...(first ? [] : items.value), ...p.incidents.filter((i) => !seen.has(i.id))];
        cursor.value = p.nextCursor;
      },
    );
  }

  watch(
    () => [filters.value, sort.value] as const,
    ([f]) => {
      if (f.group === 'closed') void page(true);
      else {
        cancel();
        items.value = [];
        cursor.value = null;
      }
    },
    { immediate: true },
  );

  return {
    items,
    loading,
    error,
    hasMore: computed(() => cursor.value !== null),
    more: () => (cursor.value !== null && !loading.value ? page(false) : Promise.resolve()),
  };
}
