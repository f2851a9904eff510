/**
 * The dead-letter tab: messages the hub acknowledged but could never store, newest first, with the
 * total held; "load older" pages back by the page's `nextBefore` cursor (useCursorPages).
 */
import { computed, onMounted } from 'vue';
import type { DeadLetterQuery } from '@shared/dead-letters';
import { fetchDeadLetters } from './api';
import { PAGE, useCursorPages } from './useCursorPages';

export function useDeadLetters() {
  const pages = useCursorPages(
    (q: Partial<DeadLetterQuery>, signal) => fetchDeadLetters(q, signal),
    (page) => page.items,
  );
  const refresh = (): Promise<void> => pages.first({ limit: PAGE });

  onMounted(() => void refresh());

  return {
    items: pages.items,
    total: computed(() => pages.last.value?.total ?? null),
    nextBefore: pages.nextBefore,
    loading: pages.loading,
    error: pages.error,
    refresh,
    loadOlder: pages.older,
  };
}
