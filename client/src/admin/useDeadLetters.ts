/**
 * The dead-letter tab: messages the hub acknowledged but could never store, newest first, with the
 * total held; "load older" pages back by the page's `nextBefore` cursor.
 */
import { onMounted, ref, shallowRef } from 'vue';
import type { DeadLetterView } from '../../../shared/dead-letters';
import { isAbort } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { fetchDeadLetters } from './api';

const PAGE = 50;

export function useDeadLetters() {
  const errorText = useErrorText();
  const items = shallowRef<DeadLetterView[]>([]);
  const total = ref<number | null>(null);
  const nextBefore = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let inflight: AbortController | null = null;

  async function load(before: number | undefined): Promise<void> {
    inflight?.abort();
    const ctrl = new AbortController();
    inflight = ctrl;
    loading.value = true;
    try {
      const page = await fetchDeadLetters({ limit: PAGE, ...(before === undefined ? {} : { before }) }, ctrl.signal);
      items.value = before === undefined ? page.items : [...items.value, ...page.items];
      total.value = page.total;
      nextBefore.value = page.nextBefore;
      error.value = null;
    } catch (e) {
      if (isAbort(e)) return;
      error.value = errorText(e);
    } finally {
      if (inflight === ctrl) {
        inflight = null;
        loading.value = false;
      }
    }
  }

  const refresh = (): Promise<void> => load(undefined);
  const loadOlder = (): Promise<void> => (nextBefore.value === null ? Promise.resolve() : load(nextBefore.value));

  onMounted(() => void refresh());

  return { items, total, nextBefore, loading, error, refresh, loadOlder };
}
