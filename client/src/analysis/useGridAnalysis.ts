/** The monthly per-grid analysis of a region: the hub's answer and its tables and chart. */
import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { gridAnalysisReply } from '@shared/stats';
import { PALETTE, type ChartData } from './chartOptions';
import { activeCategories, categoryChanges, gridTableRows, standoutList } from './gridAnalysis';
import { gridsUrl } from './statsUrls';
import { useStatsQuery } from './useStatsQuery';
import { useStatsLabels } from './useStatsLabels';

export function useGridAnalysis(region: Ref<string | null>, month: Ref<string>) {
  const { t } = useI18n();
  const labels = useStatsLabels();
  const query = useStatsQuery(
    computed(() => gridsUrl(region.value, month.value)),
    gridAnalysisReply,
  );
  const csvUrl = computed(() => gridsUrl(region.value, month.value, 'csv'));
  const reply = computed(() => query.data.value);

  const rows = computed(() => (reply.value ? gridTableRows(reply.value) : []));
  const categories = computed(() => (reply.value ? activeCategories(reply.value) : []));
  const standouts = computed(() => (reply.value ? standoutList(reply.value) : []));
  const changes = computed(() => (reply.value ? categoryChanges(reply.value) : []));
  const top = computed(() =>
    reply.value
      ? categories.value
          .map((c) => ({ category: c, grids: reply.value?.top[c] ?? [] }))
          .filter((x) => x.grids.length > 0)
      : [],
  );

  const changeChart = computed<ChartData | null>(() => {
    if (!reply.value) return null;
    const cs = changes.value;
    return {
      keys: cs.map((c) => c.category),
      labels: cs.map((c) => labels.category(c.category)),
      series: [
        {
          key: 'now',
          name: t('analysis.charts.thisMonth'),
          kind: 'bar',
          values: cs.map((c) => c.now),
          color: PALETTE.blue,
        },
        {
          key: 'before',
          name: t('analysis.charts.lastMonth'),
          kind: 'bar',
          values: cs.map((c) => c.before),
          color: PALETTE.grey,
        },
      ],
    };
  });

  return { query, csvUrl, reply, rows, categories, standouts, changes, top, changeChart };
}
