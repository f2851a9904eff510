/**
 * What the analysis page shows lives in its address (tab, region, period, month, the open grid
 * card), so a reload or a shared link opens the same view and the back button undoes a drill-down.
 */
import { computed } from 'vue';
import { useRoute, useRouter, type LocationQueryRaw } from 'vue-router';
import { STATS_PERIODS, monthKey, type StatsPeriod } from '@shared/stats';
import { regionCode } from '@shared/world';
import { cityMonth } from './months';
import type { StatsFilter } from './statsUrls';

export const ANALYSIS_TABS = ['figures', 'grids'] as const;
export type AnalysisTab = (typeof ANALYSIS_TABS)[number];

function one(v: unknown): string | null {
  const s: unknown = Array.isArray(v) ? (v as unknown[])[0] : v;
  return typeof s === 'string' && s ? s : null;
}

export function useAnalysisRoute() {
  const route = useRoute();
  const router = useRouter();

  function set(patch: Record<string, string | null>, push = false): void {
    const query: LocationQueryRaw = { ...route.query };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete query[k];
      else query[k] = v;
    }
    void (push ? router.push({ query }) : router.replace({ query }));
  }

  const tab = computed<AnalysisTab>({
    get: () => {
      const t = one(route.query.tab);
      return (ANALYSIS_TABS as readonly string[]).includes(t ?? '') ? (t as AnalysisTab) : 'figures';
    },
    set: (v) => set({ tab: v === 'figures' ? null : v }),
  });
  const period = computed<StatsPeriod>({
    get: () => {
      const p = one(route.query.period);
      return (STATS_PERIODS as readonly string[]).includes(p ?? '') ? (p as StatsPeriod) : '30d';
    },
    set: (v) => set({ period: v === '30d' ? null : v }),
  });
  /** The drilled-down region; null: the caller's scope (the hub's default). */
  const region = computed<string | null>({
    get: () => {
      const r = one(route.query.region);
      return r && regionCode.safeParse(r).success ? r : null;
    },
    // A drill-down is a step the back button should undo.
    set: (v) => set({ region: v, grid: null }, true),
  });
  const month = computed<string>({
    get: () => {
      const m = one(route.query.month);
      return m && monthKey.safeParse(m).success ? m : cityMonth();
    },
    set: (v) => set({ month: v === cityMonth() ? null : v }),
  });
  /** The grid whose card is open. */
  const grid = computed<string | null>({
    get: () => one(route.query.grid),
    set: (v) => set({ grid: v }),
  });

  const filter = computed<StatsFilter>(() => ({ region: region.value, period: period.value }));

  return { tab, period, region, month, grid, filter };
}
