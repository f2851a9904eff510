/**
 * A breakdown table (by sub-region, category, family, source or unit kind): its query, rows and
 * columns formatted for the current language, its total row, and the CSV link, which is the same
 * query with `format=csv`, so the file holds the hub's rows, not a copy made in the browser.
 */
import { computed, h, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { DataTableColumns } from 'naive-ui';
import { breakdownReply, type BreakdownRow, type Figures, type StatsDimension } from '@shared/stats';
import { formatCount, formatPercent, NO_VALUE } from '../util/format';
import { breakdownUrl, type StatsFilter } from './statsUrls';
import { useStatsQuery } from './useStatsQuery';
import { useStatsLabels } from './useStatsLabels';

export const TABLE_DIMENSIONS = [
  'region',
  'category',
  'family',
  'source',
  'unit_kind',
] as const satisfies readonly StatsDimension[];
export type TableDimension = (typeof TABLE_DIMENSIONS)[number];

const COUNT_COLUMNS = ['reported', 'closed', 'resolved', 'escalated', 'cancelled', 'disputes'] as const;
const RATE_COLUMNS = ['closure', 'onTime', 'satisfaction'] as const;

export interface BreakdownTableRow {
  key: string;
  label: string;
  figures: Figures;
  total?: boolean;
}

export function useBreakdownTable(filter: Ref<StatsFilter>, by: Ref<TableDimension>) {
  const { t, locale } = useI18n();
  const labels = useStatsLabels();
  const query = useStatsQuery(
    computed(() => breakdownUrl(filter.value, by.value)),
    breakdownReply,
  );
  const csvUrl = computed(() => breakdownUrl(filter.value, by.value, 'csv'));

  const rows = computed<BreakdownTableRow[]>(() => {
    const r = query.data.value;
    if (!r) return [];
    return r.rows.map((x: BreakdownRow) => ({ key: x.key, label: labels.row(r.by, x.key, x.label), figures: x }));
  });
  const total = computed<BreakdownTableRow | null>(() =>
    query.data.value
      ? { key: '', label: t('analysis.breakdown.total'), figures: query.data.value.total, total: true }
      : null,
  );

  const count = (n: number | undefined): string => formatCount(n ?? null, locale.value);
  const rate = (n: number | null | undefined): string =>
    n === null || n === undefined ? NO_VALUE : formatPercent(n / 100, locale.value);
  const minutes = (n: number | null | undefined): string =>
    n === null || n === undefined ? NO_VALUE : n.toLocaleString(locale.value, { maximumFractionDigits: 1 });

  const columns = computed<DataTableColumns<BreakdownTableRow>>(() => [
    {
      key: 'label',
      title: t('analysis.breakdown.columns.label'),
      fixed: 'left',
      width: 180,
      ellipsis: { tooltip: true },
      render: (row) => (row.total ? h('strong', row.label) : row.label),
    },
    ...COUNT_COLUMNS.map((m) => ({
      key: m,
      title: t(`analysis.breakdown.columns.${m}`),
      align: 'right' as const,
      className: 'num',
      sorter: (a: BreakdownTableRow, b: BreakdownTableRow) => (a.figures.counts[m] ?? 0) - (b.figures.counts[m] ?? 0),
      render: (row: BreakdownTableRow) => count(row.figures.counts[m]),
    })),
    ...RATE_COLUMNS.map((m) => ({
      key: m,
      title: t(`analysis.breakdown.columns.${m}`),
      align: 'right' as const,
      className: 'num',
      render: (row: BreakdownTableRow) => rate(row.figures.rates[m]),
    })),
    {
      key: 'response',
      title: t('analysis.breakdown.columns.response'),
      align: 'right',
      className: 'num',
      render: (row) => minutes(row.figures.means.response),
    },
  ]);

  return { query, rows, total, columns, csvUrl };
}
