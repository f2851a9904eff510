/**
 * Unit trails (issue 15): where each field unit of the scope was over the last 15 minutes, by unit
 * id, oldest point first, on the hub's clock. Loaded once from GET /api/v1/units/trails when the
 * map shows trails, then grown from the 'unit:batch' pushes the socket module already receives
 * for the units store (thinned by the hub's rule, shared/trails.ts), and reloaded after a
 * reconnect. Points that fall out of the window go when the next push comes, or at the latest
 * within a minute (a desk where nothing moves keeps still otherwise).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { API_PREFIX } from '@shared/api';
import type { UnitLive } from '@shared/incidents';
import {
  appendTrailPoint,
  cutTrail,
  TRAIL_WINDOW_MS,
  trailsFromReply,
  unitTrailsReply,
  type TrailPoint,
} from '@shared/trails';
import { getJson } from '../api/http';

export type Trails = ReadonlyMap<string, readonly TrailPoint[]>;

/** How often points older than the window are dropped when no push does it. */
const TRIM_EVERY_MS = 60_000;

/**
 * `held` with each pushed unit's position appended (at its `updatedAt`) and every touched trail cut
 * to points at or after `since`; null when nothing changed (a status change, an older copy).
 */
export function appendPushes(
  held: Trails,
  units: readonly UnitLive[],
  since: number,
): Map<string, readonly TrailPoint[]> | null {
  let next: Map<string, readonly TrailPoint[]> | null = null;
  for (const u of units) {
    const prev = (next ?? held).get(u.id) ?? [];
    const p = { t: Date.parse(u.updatedAt), lon: u.position[0], lat: u.position[1] };
    const grown = cutTrail(appendTrailPoint(prev, p), since);
    if (grown === prev) continue;
    next ??= new Map(held);
    next.set(u.id, grown);
  }
  return next;
}

/** `held` without points older than `since` (and without trails left empty); null when none were. */
export function trimTrails(held: Trails, since: number): Map<string, readonly TrailPoint[]> | null {
  let next: Map<string, readonly TrailPoint[]> | null = null;
  for (const [id, points] of held) {
    const cut = cutTrail(points, since);
    if (cut === points) continue;
    next ??= new Map(held);
    if (cut.length) next.set(id, cut);
    else next.delete(id);
  }
  return next;
}

export const useTrailStore = defineStore('trails', () => {
  const byUnit = shallowRef<Trails>(new Map());
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const wanted = ref(false);
  /** The hub's clock minus this browser's, ms (points and pushes carry the hub's time). */
  let offsetMs = 0;
  let trimTimer: ReturnType<typeof setInterval> | undefined;

  const hubNow = (): number => Date.now() + offsetMs;

  function append(units: readonly UnitLive[]): void {
    if (status.value === 'idle') return;
    const next = appendPushes(byUnit.value, units, hubNow() - TRAIL_WINDOW_MS);
    if (next) byUnit.value = next;
  }

  function trim(): void {
    const next = trimTrails(byUnit.value, hubNow() - TRAIL_WINDOW_MS);
    if (next) byUnit.value = next;
  }

  async function load(): Promise<void> {
    status.value = 'loading';
    try {
      const reply = await getJson(`${API_PREFIX}/units/trails`, unitTrailsReply);
      offsetMs = Date.parse(reply.now) - Date.now();
      const loaded = trailsFromReply(reply);
      // Pushes that came in while the reply was on its way are newer than it: append them.
      for (const [id, points] of byUnit.value) {
        let trail = loaded.get(id) ?? [];
        for (const p of points) trail = appendTrailPoint(trail, p);
        loaded.set(id, trail);
      }
      byUnit.value = trimTrails(loaded, hubNow() - TRAIL_WINDOW_MS) ?? loaded;
      status.value = 'ready';
    } catch {
      // No trails drawn; the next reconnect or ensure() tries again.
      status.value = 'error';
    }
  }

  return {
    byUnit: computed(() => byUnit.value),
    status: computed(() => status.value),
    /** The hub's clock now, as far as this browser can tell: the trails' ages count from it. */
    hubNow,
    append,
    /** Load once (the map shows trails); later loads come from reloadIfWanted(). */
    async ensure(): Promise<void> {
      wanted.value = true;
      trimTimer ??= setInterval(trim, TRIM_EVERY_MS);
      if (status.value === 'idle' || status.value === 'error') await load();
    },
    /** After a reconnect: pushes may have been missed while away. */
    async reloadIfWanted(): Promise<void> {
      if (wanted.value && status.value !== 'loading') await load();
    },
    reset(): void {
      clearInterval(trimTimer);
      trimTimer = undefined;
      byUnit.value = new Map();
      status.value = 'idle';
      wanted.value = false;
    },
  };
});
