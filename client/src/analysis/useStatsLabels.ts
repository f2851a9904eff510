/**
 * How the codes in the hub's figures read on screen: categories (the shared table, zh or en),
 * families, incident and alarm sources, unit kinds, priorities; a breakdown row's key by its
 * dimension (regions and days keep the hub's label).
 */
import { useI18n } from 'vue-i18n';
import { CATEGORIES, type RiskCategory } from '@shared/incident-categories';
import type { StatsDimension } from '@shared/stats';

export function useStatsLabels() {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const te = (key: string): boolean => i18n.te(key);
  const known = (key: string, fallback: string): string => (te(key) ? t(key) : fallback);

  function category(c: string): string {
    const info = CATEGORIES[c as RiskCategory] as (typeof CATEGORIES)[RiskCategory] | undefined;
    return info ? (locale.value === 'en' ? info.en : info.zh) : c;
  }

  function row(by: StatsDimension, key: string, label: string): string {
    switch (by) {
      case 'category':
        return category(key);
      case 'family':
        return known(`incidents.families.${key}`, label);
      case 'source':
        return known(`incidents.sources.${key}`, label);
      case 'unit_kind':
        return known(`analysis.unitKinds.${key}`, label);
      case 'region':
      case 'day':
      case 'month':
        return label;
    }
  }

  return {
    category,
    row,
    priority: (p: string): string => known(`analysis.priority.${p}`, p),
    alarmSource: (s: string): string => known(`analysis.alarmSources.${s}`, s),
  };
}
