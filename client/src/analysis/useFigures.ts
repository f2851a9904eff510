/**
 * The figures tab's data: the KPIs, the trend (by day, or by month for a year) and the categories
 * of the filter, each straight from its `GET /api/v1/stats/*` answer, and the charts' data built
 * from them (no figure is computed here: the charts show the hub's numbers as they came).
 */
import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { breakdownReply, kpiReply, type BreakdownReply } from '@shared/stats';
import { PALETTE, PRIORITY_COLORS, type ChartData } from './chartOptions';
import { breakdownUrl, kpisUrl, trendDimension, type StatsFilter } from './statsUrls';
import { useStatsQuery } from './useStatsQuery';
import { useStatsLabels } from './useStatsLabels';

/** How many categories the category chart shows (the table has them all). */
export const TOP_CATEGORIES = 12;

export function useFigures(filter: Ref<StatsFilter>) {
  const { t } = useI18n();
  const labels = useStatsLabels();

  const kpis = useStatsQuery(
    computed(() => kpisUrl(filter.value)),
    kpiReply,
  );
  const trendBy = computed(() => trendDimension(filter.value.period));
  const trend = useStatsQuery(
    computed(() => breakdownUrl(filter.value, trendBy.value)),
    breakdownReply,
  );
  const categories = useStatsQuery(
    computed(() => breakdownUrl(filter.value, 'category')),
    breakdownReply,
  );

  const trendChart = computed<ChartData | null>(() => {
    const r: BreakdownReply | null = trend.data.value;
    if (!r) return null;
    return {
      keys: r.rows.map((x) => x.key),
      // Days as MM-DD (the year is in the window line); months as they are.
      labels: r.rows.map((x) => (r.by === 'day' ? x.key.slice(5) : x.key)),
      series: [
        {
          key: 'reported',
          name: t('analysis.charts.reported'),
          kind: 'bar',
          values: r.rows.map((x) => x.counts.reported ?? 0),
          color: PALETTE.blue,
        },
        {
          key: 'closed',
          name: t('analysis.charts.closed'),
          kind: 'line',
          values: r.rows.map((x) => x.counts.closed ?? 0),
          color: PALETTE.cyan,
        },
      ],
    };
  });

  const categoryChart = computed<ChartData | null>(() => {
    const r = categories.data.value;
    if (!r) return null;
    const rows = [...r.rows]
      .filter((x) => (x.counts.reported ?? 0) > 0)
      .sort((a, b) => (b.counts.reported ?? 0) - (a.counts.reported ?? 0))
      .slice(0, TOP_CATEGORIES);
    return {
      keys: rows.map((x) => x.key),
      labels: rows.map((x) => labels.category(x.key)),
      series: [
        {
          key: 'reported',
          name: t('analysis.charts.reported'),
          kind: 'bar',
          values: rows.map((x) => x.counts.reported ?? 0),
          color: PALETTE.violet,
        },
      ],
    };
  });

  const priorityChart = computed<ChartData | null>(() => {
    const a = kpis.data.value?.alarms.now;
    if (!a) return null;
    const keys = Object.keys(a.byPriority).sort();
    return {
      keys,
      labels: keys.map((k) => labels.priority(k)),
      series: [
        {
          key: 'raised',
          name: t('analysis.kpi.alarms'),
          kind: 'bar',
          values: keys.map((k) => a.byPriority[k] ?? 0),
          color: PALETTE.amber,
          colors: keys.map((k) => PRIORITY_COLORS[k] ?? PALETTE.grey),
        },
      ],
    };
  });

  const sourceChart = computed<ChartData | null>(() => {
    const a = kpis.data.value?.alarms.now;
    if (!a) return null;
    const keys = Object.keys(a.bySource).sort((x, y) => (a.bySource[y] ?? 0) - (a.bySource[x] ?? 0));
    return {
      keys,
      labels: keys.map((k) => labels.alarmSource(k)),
      series: [
        {
          key: 'raised',
          name: t('analysis.kpi.alarms'),
          kind: 'bar',
          values: keys.map((k) => a.bySource[k] ?? 0),
          color: PALETTE.amber,
        },
      ],
    };
  });

  return { kpis, trend, categories, trendChart, categoryChart, priorityChart, sourceChart };
}
