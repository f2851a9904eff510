/**
 * The grid layer's figures from the hub (issue 16): per grid, open incidents, incidents reported in
 * a month, one category in a month, or the month's closure rate (GET /api/v1/stats/grid-measure).
 * Loaded only when the desk picks one of them as the grid fill; the month defaults to this one.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { API_PREFIX } from '@shared/api';
import { gridMeasureReply, type GridMeasureReply } from '@shared/stats';
import type { RiskCategory } from '@shared/incident-categories';
import { getJson, isAbort } from '../api/http';
import type { HubGridMeasure } from './mapUi';

/** This month in the city's clock (UTC+8), YYYY-MM. */
export function currentMonth(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 7);
}

/** The `count` months ending with `last`, newest first. */
export function recentMonths(last: string, count = 12): string[] {
  const [y, m] = last.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return d.toISOString().slice(0, 7);
  });
}

/** The query of one request ('open' is now, with no month). */
export function gridFigureQuery(measure: HubGridMeasure, month: string, category: RiskCategory): URLSearchParams {
  const q = new URLSearchParams({ measure });
  if (measure !== 'open') q.set('month', month);
  if (measure === 'category') q.set('category', category);
  return q;
}

export const useGridFiguresStore = defineStore('gridFigures', () => {
  const month = ref(currentMonth());
  const category = ref<RiskCategory>('public_order');
  const reply = shallowRef<GridMeasureReply | null>(null);
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const error = ref<unknown>(null);
  let key = '';
  let ctrl: AbortController | null = null;

  async function load(measure: HubGridMeasure): Promise<void> {
    const q = gridFigureQuery(measure, month.value, category.value);
    const k = q.toString();
    if (k === key && status.value === 'ready') return;
    key = k;
    ctrl?.abort();
    const c = (ctrl = new AbortController());
    status.value = 'loading';
    try {
      reply.value = await getJson(`${API_PREFIX}/stats/grid-measure?${k}`, gridMeasureReply, c.signal);
      status.value = 'ready';
      error.value = null;
    } catch (e) {
      if (isAbort(e)) return;
      status.value = 'error';
      error.value = e;
      key = '';
    }
  }

  return {
    month: computed(() => month.value),
    category: computed(() => category.value),
    reply: computed(() => reply.value),
    status: computed(() => status.value),
    error: computed(() => error.value),
    load,
    setMonth(m: string) {
      month.value = m;
    },
    setCategory(c: RiskCategory) {
      category.value = c;
    },
  };
});
