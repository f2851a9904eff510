/**
 * Field units' live state (issue 6): position, status and the incident each works on, by unit id.
 * Loaded once from GET /api/v1/units when a screen asks for it (the desk's map), then kept current
 * by 'unit:batch' pushes (the socket module) and reloaded after a reconnect, when pushes may have
 * been missed. A copy older than the held one (by `updatedAt`) never replaces it.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { z } from 'zod';
import { API_PREFIX } from '@shared/api';
import { unitLive, type UnitLive } from '@shared/incidents';
import { getJson } from '../api/http';

const unitList = z.object({ units: z.array(unitLive) });

/** Merges pushed unit states into `held` (newer `updatedAt` wins; equal: the incoming one); null when nothing changed. */
export function mergeUnits(
  held: ReadonlyMap<string, UnitLive>,
  incoming: readonly UnitLive[],
): Map<string, UnitLive> | null {
  let next: Map<string, UnitLive> | null = null;
  for (const u of incoming) {
    const prev = (next ?? held).get(u.id);
    if (prev && Date.parse(prev.updatedAt) > Date.parse(u.updatedAt)) continue;
    if (
      prev &&
      prev.updatedAt === u.updatedAt &&
      prev.status === u.status &&
      prev.position[0] === u.position[0] &&
      prev.position[1] === u.position[1] &&
      prev.incidentId === u.incidentId
    )
      continue;
    next ??= new Map(held);
    next.set(u.id, u);
  }
  return next;
}

export const useUnitStore = defineStore('units', () => {
  const byId = shallowRef<ReadonlyMap<string, UnitLive>>(new Map());
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  /** A screen asked for live units: reload them after every reconnect. */
  const wanted = ref(false);

  function applyBatch(batch: { units: UnitLive[] }): void {
    const next = mergeUnits(byId.value, batch.units);
    if (next) byId.value = next;
  }

  async function load(): Promise<void> {
    status.value = 'loading';
    try {
      const { units } = await getJson(`${API_PREFIX}/units`, unitList);
      // Pushes that came in while the list was on its way are newer than it: keep them.
      const fresh = new Map(units.map((u) => [u.id, u]));
      byId.value =
        mergeUnits(
          fresh,
          [...byId.value.values()].filter((u) => fresh.has(u.id)),
        ) ?? fresh;
      status.value = 'ready';
    } catch {
      // The map keeps drawing the static units layer; the next reconnect or ensure() tries again.
      status.value = 'error';
    }
  }

  return {
    byId: computed(() => byId.value),
    status: computed(() => status.value),
    wanted: computed(() => wanted.value),
    applyBatch,
    /** Load once (the desk's map); later loads come from reloadIfWanted(). */
    async ensure(): Promise<void> {
      wanted.value = true;
      if (status.value === 'idle' || status.value === 'error') await load();
    },
    /** After a reconnect: pushes may have been missed while away. */
    async reloadIfWanted(): Promise<void> {
      if (wanted.value && status.value !== 'loading') await load();
    },
    reset(): void {
      byId.value = new Map();
      status.value = 'idle';
      wanted.value = false;
    },
  };
});
