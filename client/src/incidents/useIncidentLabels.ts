/**
 * How incident values read on screen, in the current language: category names (from the shared
 * category table, zh or en), statuses, actions, sources, SLA stages, distances, times, and the
 * running countdown of the next deadline.
 */
import { useI18n } from 'vue-i18n';
import type { IncidentView } from '@shared/incidents';
import { CATEGORIES, type RiskCategory } from '@shared/incident-categories';
import { formatClockTime } from '../util/format';
import { countdown, formatDuration } from '../stores/incidentList';

export function useIncidentLabels() {
  const { t, locale } = useI18n();
  const en = (): boolean => locale.value === 'en';

  return {
    category: (c: string): string => {
      const info = CATEGORIES[c as RiskCategory] as (typeof CATEGORIES)[RiskCategory] | undefined;
      return info ? (en() ? info.en : info.zh) : c;
    },
    status: (s: string): string => t(`incidents.status.${s}`),
    action: (a: string): string => t(`incidents.actions.${a}`),
    source: (s: string): string => t(`incidents.sources.${s}`),
    kind: (k: string): string => t(`incidents.kinds.${k}`),
    priority: (p: number): string => t(`incidents.priority.${p}`),
    stage: (s: string): string => t(`incidents.stages.${s}`),
    clockState: (s: string): string => t(`incidents.clockStates.${s}`),
    time: (at: string): string => formatClockTime(at, locale.value),
    distance: (m: number): string =>
      m < 1000
        ? t('cameras.nearby.meters', { n: Math.round(m) })
        : t('cameras.nearby.kilometers', { n: (m / 1000).toFixed(1) }),
    /** The next deadline's countdown at `now` ("剩余 04:12" / "超时 01:30"), or null when no clock runs. */
    countdown: (i: Pick<IncidentView, 'sla'>, now: number): { text: string; late: boolean; stage: string } | null => {
      const c = countdown(i, now);
      if (!c) return null;
      const left = formatDuration(c.leftMs, t('incidents.dayUnit'));
      return {
        text: t(c.leftMs < 0 ? 'incidents.overdue' : 'incidents.left', { t: left }),
        late: c.leftMs < 0,
        stage: c.stage,
      };
    },
  };
}
