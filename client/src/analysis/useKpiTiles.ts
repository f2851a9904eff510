/** The KPI tiles of a `kpiReply`, formatted for the current language (the figures: figures.ts). */
import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { KpiReply } from '@shared/stats';
import { formatCount, formatPercent, NO_VALUE } from '../util/format';
import { kpiTiles, splitMinutes, type FigureUnit, type KpiTile, type Trend } from './figures';

export interface KpiTileView {
  key: string;
  group: KpiTile['group'];
  label: string;
  /** The raw figure as the API gave it (for tests: `data-value`). */
  raw: number | null;
  value: string;
  unit: string;
  sub: string | null;
  trend: Trend | null;
  trendText: string;
}

export function useKpiTiles(reply: Ref<KpiReply | null>) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const te = (key: string): boolean => i18n.te(key);

  function figure(v: number | null | undefined, unit: FigureUnit): { value: string; unit: string } {
    if (v === null || v === undefined) return { value: NO_VALUE, unit: '' };
    if (unit === 'count') return { value: formatCount(v, locale.value), unit: '' };
    if (unit === 'percent') return { value: formatPercent(v / 100, locale.value), unit: '' };
    const m = splitMinutes(v);
    return {
      value: m.value.toLocaleString(locale.value, { maximumFractionDigits: 1 }),
      unit: t(`analysis.units.${m.unit}`),
    };
  }

  function trendText(tile: KpiTile): string {
    const tr = tile.trend;
    if (!tr) return te(`analysis.kpiHint.${tile.key}`) ? t(`analysis.kpiHint.${tile.key}`) : '';
    if (tr.direction === 'none') return t('analysis.trend.none');
    if (tr.change === null) return t('analysis.trend.fromZero');
    const n = Math.abs(tr.change).toLocaleString(locale.value, { maximumFractionDigits: 1 });
    const size = tile.unit === 'percent' ? t('analysis.trend.points', { n }) : t('analysis.trend.percent', { n });
    return tr.direction === 'flat'
      ? `${t('analysis.trend.vsBefore')} ${t('analysis.trend.flat')}`
      : `${t('analysis.trend.vsBefore')} ${t(`analysis.trend.${tr.direction}`)} ${size}`;
  }

  const tiles = computed<KpiTileView[]>(() => {
    if (!reply.value) return [];
    return kpiTiles(reply.value).map((tile) => {
      const f = figure(tile.value, tile.unit);
      let sub: string | null = null;
      if (tile.group === 'time') {
        const p90 = figure(tile.p90, 'minutes');
        sub = `${t('analysis.p90', { v: `${p90.value} ${p90.unit}`.trim() })} · ${t('analysis.samples', { n: formatCount(tile.n ?? 0, locale.value) })}`;
      }
      return {
        key: tile.key,
        group: tile.group,
        label: t(`analysis.kpi.${tile.key}`),
        raw: tile.value,
        value: f.value,
        unit: f.unit,
        sub,
        trend: tile.trend,
        trendText: trendText(tile),
      };
    });
  });

  return { tiles };
}
