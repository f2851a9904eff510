/**
 * A list the hub serves newest first, a page at a time (the audit log, the dead letters): the
 * first page of a query, then "load older" from the last page's `nextBefore` cursor, continuing the
 * query on screen (not fields edited since). One request at a time: a new one aborts the last.
 */
import { computed, shallowRef, type ComputedRef, type ShallowRef } from 'vue';
import { useLatestRequest } from '../common/useLatestRequest';

export const PAGE = 50;

export interface CursorPage {
  nextBefore: number | null;
}

export function useCursorPages<Q extends object, P extends CursorPage, T>(
  fetchPage: (query: Q & { before?: number }, signal: AbortSignal) => Promise<P>,
  itemsOf: (page: P) => T[],
) {
  const items: ShallowRef<T[]> = shallowRef([]);
  /** The last page that came (its totals, its cursor). */
  const last: ShallowRef<P | null> = shallowRef(null);
  const { loading, error, run } = useLatestRequest();
  /** The query of the list on screen. */
  let shown: Q | null = null;

  function load(query: Q & { before?: number }, append: boolean): Promise<void> {
    return run(
      (signal) => fetchPage(query, signal),
      (page) => {
        items.value = append ? [...items.value, ...itemsOf(page)] : itemsOf(page);
        last.value = page;
      },
    );
  }

  const nextBefore: ComputedRef<number | null> = computed(() => last.value?.nextBefore ?? null);

  /** The first page of `query` (the list starts again). */
  const first = (query: Q): Promise<void> => {
    shown = query;
    return load(query, false);
  };
  /** The next older page of the list on screen. */
  const older = (): Promise<void> => {
    const before = nextBefore.value;
    if (before === null || shown === null) return Promise.resolve();
    return load({ ...shown, before }, true);
  };

  return { items, last, nextBefore, loading, error, first, older };
}
