/** The overview's figure cards, computed from the world summary (nothing here is a constant). */
import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { WorldSummary } from '@shared/api';
import { formatCount, formatPercent, ratio } from '../util/format';

export interface StatCardModel {
  /** Stable key; also the card's data-testid suffix (`stat-cameras`). */
  key: string;
  label: string;
  value: string;
  sub: string | null;
  /** Accent colour of the figure. */
  accent: string;
}

const ACCENT = { primary: '#3ea6ff', good: '#2fd27c', neutral: '#e6edf7', warm: '#ffb020' } as const;

export function useWorldStatCards(summary: Ref<WorldSummary>) {
  const { t, locale } = useI18n();

  return computed<StatCardModel[]>(() => {
    const { counts } = summary.value;
    const n = (v: number) => formatCount(v, locale.value);
    const card = (key: string, value: number, accent: string, sub: string | null = null): StatCardModel => ({
      key,
      label: t(`world.${key}`),
      value: n(value),
      sub,
      accent,
    });
    const onlineRate = formatPercent(ratio(counts.camerasOnline, counts.cameras), locale.value);
    return [
      card(
        'cameras',
        counts.cameras,
        ACCENT.primary,
        t('world.camerasOnline', { online: n(counts.camerasOnline), rate: onlineRate }),
      ),
      card('districts', counts.regions.district, ACCENT.neutral),
      card('streets', counts.regions.street, ACCENT.neutral),
      card('communities', counts.regions.community, ACCENT.neutral),
      card('grids', counts.regions.grid, ACCENT.primary),
      card('zones', counts.zones, ACCENT.warm),
      card('smartCommunities', counts.smartCommunities, ACCENT.good),
      card('facilities', counts.facilities, ACCENT.neutral, t('world.facilitiesSub')),
      card('units', counts.units, ACCENT.good),
      card(
        'speakers',
        counts.speakers,
        ACCENT.warm,
        t('world.speakersSub', { railways: n(counts.railways) }, counts.railways),
      ),
    ];
  });
}
