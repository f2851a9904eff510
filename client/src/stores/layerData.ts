/**
 * The static layers on the client: one store, fed by the layer worker. Each layer is a
 * PackedLayer viewing the transferred bytes in place (markRaw: Vue must never walk 130k-element
 * typed arrays), replaced as a whole on reload. Search runs in the same worker.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, triggerRef, watch, type ShallowRef } from 'vue';
import { decodePacked, type PackedLayer } from '@shared/packed';
import { API_PREFIX } from '@shared/api';
import { LAYER_NAMES, type LayerName } from '@shared/layers';
import type { SearchHit } from './layerSearch';
import type { WorkerRequest, WorkerResponse } from './layers.worker';
import LayerWorker from './layers.worker?worker';
import { wgs84ToGcj02InPlace } from '@shared/crs';
import { drawnCrs } from './basemap';

/** Shift a layer's coordinates to GCJ-02 in place (once), for a Chinese commercial basemap. */
function toGcj02(layer: PackedLayer): void {
  for (const col of ['position', 'center']) {
    if (layer.has(col)) wgs84ToGcj02InPlace(layer.numeric(col) as Float32Array);
  }
}

export type LayerStatus = 'idle' | 'loading' | 'ready' | 'error';

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };

export const useLayerDataStore = defineStore('layerData', () => {
  // One ref per layer: a computed that reads the cameras depends on the cameras alone, and is not
  // recomputed (nor its deck.gl layer re-uploaded) each time some other layer arrives.
  const slots = Object.fromEntries(
    LAYER_NAMES.map((n) => [n, shallowRef<PackedLayer | undefined>(undefined)]),
  ) as Record<LayerName, ShallowRef<PackedLayer | undefined>>;
  /** Read-only map view of the slots, for code that wants `layers.get(name)`. */
  const layers = markRaw({
    get: (name: LayerName): PackedLayer | undefined => slots[name].value,
  });
  const status = ref<Partial<Record<LayerName, LayerStatus>>>({});
  const errors = ref<Partial<Record<LayerName, string>>>({});
  /** Bumped whenever any layer is (re)placed, so derived indexes know to rebuild. */
  const version = ref(0);
  const shifted = new WeakSet<PackedLayer>();
  function matchCrs(layer: PackedLayer): void {
    if (drawnCrs.value === 'gcj02' && !shifted.has(layer)) {
      toGcj02(layer);
      shifted.add(layer);
    }
  }
  // The basemap's CRS is known only once its style loaded: shift what is already here.
  watch(drawnCrs, () => {
    for (const name of LAYER_NAMES) {
      const l = slots[name].value;
      if (!l) continue;
      matchCrs(l);
      triggerRef(slots[name]);
    }
    version.value++;
  });

  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  function call(req: WorkerRequest): Promise<WorkerResponse> {
    if (!worker) {
      worker = new LayerWorker();
      worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
        const p = pending.get(ev.data.id);
        if (!p) return;
        pending.delete(ev.data.id);
        if (ev.data.type === 'error') p.reject(new Error(ev.data.message));
        else p.resolve(ev.data);
      };
    }
    return new Promise((resolve, reject) => {
      pending.set(req.id, { resolve, reject });
      worker!.postMessage(req);
    });
  }

  /** Each layer's latest load: a reply to an older one (overtaken by a reload) is dropped. */
  const latest: Partial<Record<LayerName, number>> = {};

  async function load(name: LayerName): Promise<void> {
    status.value[name] = 'loading';
    const id = nextId++;
    latest[name] = id;
    try {
      const res = await call({ type: 'load', id, name, url: `${API_PREFIX}/layers/${name}` });
      if (latest[name] !== id) return;
      if (res.type !== 'loaded') throw new Error('unexpected worker reply');
      const layer = markRaw(decodePacked(res.bytes));
      matchCrs(layer);
      slots[name].value = layer;
      version.value++;
      status.value[name] = 'ready';
      delete errors.value[name];
    } catch (e) {
      if (latest[name] !== id) return;
      status.value[name] = 'error';
      errors.value[name] = (e as Error).message;
    }
  }

  /** Load the named layers once (in parallel); later loads come from reload() and reloadAll(). */
  async function ensure(names: readonly LayerName[]): Promise<void> {
    await Promise.all(names.filter((n) => !status.value[n] || status.value[n] === 'error').map(load));
  }

  /**
   * Fetch one layer again, if the screen holds it (e.g. the cameras, whose statuses the hub
   * changes at run time; ETag: cheap when unchanged). The layer shown stays until the new one is in.
   */
  async function reload(name: LayerName): Promise<void> {
    if (slots[name].value) await load(name);
  }

  /** The hub restarted (maybe with another city): fetch every loaded layer again. */
  async function reloadAll(): Promise<void> {
    await Promise.all(LAYER_NAMES.filter((n) => slots[n].value).map(load));
  }

  async function search(query: string, limit = 20): Promise<SearchHit[]> {
    const res = await call({ type: 'search', id: nextId++, query, limit });
    return res.type === 'searched' ? res.hits : [];
  }

  return {
    layers,
    status: computed(() => status.value),
    errors: computed(() => errors.value),
    version: computed(() => version.value),
    ensure,
    reload,
    reloadAll,
    search,
  };
});
