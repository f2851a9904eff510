/**
 * What this wall shows now (`GET /api/v1/wall`): its preset, and whether a security event put it
 * there. Asked at start, every REFRESH_MS, and whenever the link to the hub comes back live (a
 * restarted or switched hub, an event opened meanwhile); a failed ask keeps what is shown.
 */
import { onBeforeUnmount, shallowRef, watch } from 'vue';
import { useIntervalFn } from '@vueuse/core';
import { API_PREFIX } from '@shared/api';
import { wallState, type WallState } from '@shared/wall';
import { getJson } from '../api/http';
import { useHubStore } from '../stores/hub';

const REFRESH_MS = 15_000;

export function useWallState() {
  const hub = useHubStore();
  const state = shallowRef<WallState | null>(null);
  let controller: AbortController | null = null;

  async function load(): Promise<void> {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    try {
      state.value = await getJson(`${API_PREFIX}/wall`, wallState, c.signal);
    } catch {
      // Kept as it was: the stale marker says the link is down; the next ask tries again.
    }
  }
  void load();
  useIntervalFn(() => void load(), REFRESH_MS);
  watch(
    () => hub.connection,
    (c) => c === 'live' && void load(),
  );
  onBeforeUnmount(() => controller?.abort());
  return { state, reload: load };
}
