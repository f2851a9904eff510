/**
 * One `GET /api/v1/stats/*` answer that follows its address: asked again when the address changes
 * (the older request dropped), parsed with the contract's schema. `data` is cleared when the
 * address changes, so nothing on screen shows the figures of another filter while the new ones
 * load; `url` says which query `data` answers (the charts carry it for tests).
 */
import { shallowRef, watch, type Ref } from 'vue';
import type { z } from 'zod';
import { getJson } from '../api/http';
import { useLatestRequest } from '../common/useLatestRequest';

export function useStatsQuery<S extends z.ZodType>(url: Ref<string | null>, schema: S) {
  const data = shallowRef<z.infer<S> | null>(null);
  const loadedUrl = shallowRef<string | null>(null);
  const { loading, error, run, cancel } = useLatestRequest();

  function load(u: string | null): void {
    if (!u) {
      cancel();
      data.value = null;
      loadedUrl.value = null;
      return;
    }
    void run(
      (signal) => getJson(u, schema, signal),
      (answer) => {
        data.value = answer;
        loadedUrl.value = u;
      },
    );
  }

  watch(
    url,
    (u, old) => {
      if (u !== old) {
        data.value = null;
        loadedUrl.value = null;
      }
      load(u);
    },
    { immediate: true },
  );

  return { data, url: loadedUrl, loading, error, reload: () => load(url.value) };
}
