/**
 * The history (closed, merged and cancelled incidents) of the list's 'closed' group: asked from the
 * hub a page at a time (keyset: the page's `nextCursor`), with the list's other filters and sort.
 * Asked afresh whenever those change.
 */
import { computed, ref, shallowRef, watch, type Ref } from 'vue';
import type { IncidentView } from '../../../shared/incidents';
import { isAbort } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { listIncidents } from './api';
import { historyQuery, type IncidentFilters, type IncidentSort } from '../stores/incidentList';

const PAGE = 100;

export function useIncidentHistory(filters: Ref<IncidentFilters>, sort: Ref<IncidentSort>) {
  const errorText = useErrorText();
  const items = shallowRef<IncidentView[]>([]);
  const cursor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let ctrl: AbortController | null = null;

  async function page(first: boolean): Promise<void> {
    ctrl?.abort();
    const c = new AbortController();
    ctrl = c;
    loading.value = true;
    try {
      const p = await listIncidents(historyQuery(filters.value, sort.value, PAGE, first ? null : cursor.value), c.signal);
      if (c.signal.aborted) return;
      // Keyset pages do not overlap, but a row may have moved between pages: keep each id once.
      const seen = new Set(first ? [] : items.value.map((i) => i.id));
      items.value = [...(first ? [] : items.value), ...p.incidents.filter((i) => !seen.has(i.id))];
      cursor.value = p.nextCursor;
      error.value = null;
    } catch (e) {
      if (!isAbort(e) && !c.signal.aborted) error.value = errorText(e);
    } finally {
      if (ctrl === c) loading.value = false;
    }
  }

  watch(
    () => [filters.value, sort.value] as const,
    ([f]) => {
      if (f.group === 'closed') void page(true);
      else {
        ctrl?.abort();
        items.value = [];
        cursor.value = null;
        loading.value = false;
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
