/**
 * The static world as a summary (city, counts, districts). Loaded over HTTP and parsed with the
 * shared schema; reloaded when the hub restarts (the socket module decides when).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { API_PREFIX, worldSummary, type WorldSummary } from '@shared/api';
import { ApiError, ClientErrorCode, getJson, isAbort } from '../api/http';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export const useWorldStore = defineStore('world', () => {
  // Replaced as a whole on every load, never mutated: a shallowRef is enough and stays cheap.
  const summary = shallowRef<WorldSummary | null>(null);
  const status = ref<LoadStatus>('idle');
  const error = shallowRef<ApiError | null>(null);
  let inflight: AbortController | null = null;

  /** Fetches the summary again; a newer call cancels an older one still in flight. */
  async function reload(): Promise<void> {
    inflight?.abort();
    const ctrl = new AbortController();
    inflight = ctrl;
    status.value = 'loading';
    try {
      const next = await getJson(`${API_PREFIX}/world/summary`, worldSummary, ctrl.signal);
      summary.value = next;
      error.value = null;
      status.value = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      // Keep the last good summary on screen; the error says why it may be stale.
      error.value = e instanceof ApiError ? e : new ApiError(ClientErrorCode.BadResponse, String(e));
      status.value = 'error';
    } finally {
      if (inflight === ctrl) inflight = null;
    }
  }

  /** Loads once; later loads come from reload(). */
  function ensureLoaded(): Promise<void> {
    return status.value === 'idle' ? reload() : Promise.resolve();
  }

  return {
    summary: computed(() => summary.value),
    status: computed(() => status.value),
    error: computed(() => error.value),
    /** Never loaded, or the last attempt failed: worth a load when the hub is (back) up. A load in flight is left alone. */
    needsReload: computed(() => status.value === 'idle' || status.value === 'error'),
    reload,
    ensureLoaded,
  };
});
