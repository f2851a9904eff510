/**
 * ECharts options from the hub's figures, and the same numbers as plain data (`ChartData`) that the
 * chart's container carries in `data-values` so a test can compare them with the API's. Pure (only
 * ECharts' option type is imported), unit-tested.
 */
import type { EChartsCoreOption } from 'echarts/core';

export interface ChartSeries {
  /** Stable key (a count measure, 'now'/'before'): `data-values` is keyed by it. */
  key: string;
  /** Legend text, in the current language. */
  name: string;
  kind: 'bar' | 'line';
  values: number[];
  color: string;
  /** One colour per point (priorities), instead of the series' colour. */
  colors?: string[];
}

export interface ChartData {
  /** The keys along the axis as the API gave them (days, months, category codes). */
  keys: string[];
  /** What the axis shows for each key, in the current language. */
  labels: string[];
  series: ChartSeries[];
}

/** What `data-values` holds: the axis keys and each series' numbers, nothing formatted. */
export function chartValues(d: ChartData): { keys: string[]; series: Record<string, number[]> } {
  return { keys: d.keys, series: Object.fromEntries(d.series.map((s) => [s.key, s.values])) };
}

export const PALETTE = {
  blue: '#3a8ee6',
  cyan: '#36cfc9',
  amber: '#f0a020',
  red: '#e5484d',
  green: '#3fb950',
  violet: '#9d7bea',
  grey: '#8a9bb4',
} as const;

/** Priority 1 (most urgent) to 4, as the alarm queue colours them. */
export const PRIORITY_COLORS: Record<string, string> = {
  '1': PALETTE.red,
  '2': PALETTE.amber,
  '3': PALETTE.blue,
  '4': PALETTE.grey,
};

const TEXT = '#9aabc4';
const LINE = '#2a3b58';
const SPLIT = '#1a273d';

const tooltip = {
  trigger: 'axis',
  axisPointer: { type: 'shadow' },
  backgroundColor: '#0d1729',
  borderColor: LINE,
  textStyle: { color: '#dce6f5' },
};

/** Bars and lines along a category axis (horizontal: categories down the side, for long names). */
export function seriesOption(d: ChartData, opts: { horizontal?: boolean; legend?: boolean } = {}): EChartsCoreOption {
  const categoryAxis = {
    type: 'category',
    data: d.labels,
    axisLine: { lineStyle: { color: LINE } },
    axisTick: { show: false },
    axisLabel: { color: TEXT, fontSize: 12, hideOverlap: true },
    ...(opts.horizontal ? { inverse: true } : {}),
  };
  const valueAxis = {
    type: 'value',
    minInterval: 1,
    axisLabel: { color: TEXT, fontSize: 12 },
    splitLine: { lineStyle: { color: SPLIT } },
  };
  const legend = opts.legend ?? d.series.length > 1;
  return {
    backgroundColor: 'transparent',
    animationDuration: 300,
    textStyle: { fontFamily: 'inherit' },
    grid: { left: 8, right: 16, top: legend ? 36 : 12, bottom: 8, containLabel: true },
    legend: legend ? { top: 0, right: 0, textStyle: { color: TEXT }, itemWidth: 14, itemHeight: 10 } : { show: false },
    tooltip,
    xAxis: opts.horizontal ? valueAxis : categoryAxis,
    yAxis: opts.horizontal ? categoryAxis : valueAxis,
    series: d.series.map((s) => ({
      name: s.name,
      type: s.kind,
      data: s.colors ? s.values.map((value, i) => ({ value, itemStyle: { color: s.colors?.[i] } })) : s.values,
      itemStyle: {
        color: s.color,
        borderRadius: s.kind === 'bar' ? (opts.horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0]) : 0,
      },
      lineStyle: s.kind === 'line' ? { color: s.color, width: 2 } : undefined,
      symbolSize: 5,
      smooth: s.kind === 'line',
      barMaxWidth: 28,
    })),
  };
}

/** A ring of shares (alarms by source): one series, its labels beside the slices. */
export function ringOption(d: ChartData): EChartsCoreOption {
  const s = d.series[0];
  return {
    backgroundColor: 'transparent',
    animationDuration: 300,
    tooltip: { ...tooltip, trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { show: false },
    series: s
      ? [
          {
            name: s.name,
            type: 'pie',
            radius: ['45%', '72%'],
            center: ['50%', '54%'],
            itemStyle: { borderColor: '#101c30', borderWidth: 2 },
            label: { color: '#c3cfe0', formatter: '{b}\n{c}' },
            labelLine: { lineStyle: { color: LINE } },
            data: d.labels.map((name, i) => ({ name, value: s.values[i] ?? 0 })),
          },
        ]
      : [],
  };
}
