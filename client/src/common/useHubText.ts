/**
 * The hub's own words (shared/hub-text.ts: timeline notes, incident sources, risk factors) said in
 * the screen's language. The hub sends keys with parameters; codes among the parameters (an SLA
 * stage, an event type, a category, an incident source, a region code) are said here too, so no
 * English code reaches a zh-CN screen. Names and titles from the data stay as they are.
 */
import { useI18n } from 'vue-i18n';
import type { HubNote, RiskFactor, SourceSummary } from '@shared/hub-text';
import { CATEGORIES } from '@shared/incident-categories';
import { useRegionIndex } from '../stores/regionIndex';

export function useHubText() {
  const { t, locale } = useI18n();
  const { byCode } = useRegionIndex();
  const region = (code: string): string => byCode.value.get(code)?.name ?? code;
  const category = (c: keyof typeof CATEGORIES): string =>
    locale.value === 'en' ? CATEGORIES[c].en : CATEGORIES[c].zh;

  return {
    note(n: HubNote): string {
      switch (n.key) {
        case 'timeline.alarmIncident':
          return t('hub.timeline.alarmIncident', { priority: t(`incidents.priority.${n.params.priority}`) });
        case 'timeline.slaBreach':
          return t('hub.timeline.slaBreach', { stage: t(`incidents.stages.${n.params.stage}`) });
        case 'timeline.riskHigh':
          return t('hub.timeline.riskHigh', { score: n.params.score });
        case 'timeline.noRatingToWait':
          return t('hub.timeline.noRatingToWait');
        case 'timeline.rated':
          return t('hub.timeline.rated');
        case 'timeline.ratingTimeout':
          return t('hub.timeline.ratingTimeout', { hours: n.params.hours });
        case 'timeline.qrReport':
          return t('hub.timeline.qrReport', { region: region(n.params.region) });
      }
    },
    source(s: SourceSummary): string {
      switch (s.key) {
        case 'source.alarm':
          return t('hub.source.alarm', { rule: s.params.rule, type: t(`alarms.types.${s.params.type}`) });
        case 'source.report':
          return t('hub.source.report', { source: t(`incidents.sources.${s.params.source}`), title: s.params.title });
        case 'source.citizen':
          return s.params.region === null
            ? t('hub.source.citizen')
            : t('hub.source.citizenQr', { region: region(s.params.region) });
        case 'source.incident':
          return t('hub.source.incident', { code: s.params.code, title: s.params.title });
        case 'source.text':
          return s.params.text;
      }
    },
    factor(f: RiskFactor): string {
      switch (f.code) {
        case 'repeat_parties':
        case 'repeat_address':
        case 'failed_mediations':
        case 'escalations':
          return t(`hub.risk.${f.code}`, { n: f.params.n });
        case 'category':
          return t('hub.risk.category', { category: category(f.params.category) });
        case 'threat_words':
          return t('hub.risk.threat_words', { words: f.params.words.join(t('hub.listSeparator')) });
      }
    },
  };
}
