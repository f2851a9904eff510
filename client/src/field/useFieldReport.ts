/**
 * A field unit reports a new problem (POST /incidents: the hub makes it a field report):
 * useReportDraft with a title required and a priority (3 unless changed), where from GPS, the map
 * or the unit's position, photos uploaded with the session's CSRF token.
 */
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { RiskCategory } from '@shared/incident-categories';
import { useSessionStore } from '../stores/session';
import { PHOTO_URL } from '../report/api';
import type { PartyRow } from '../report/parts/parties';
import { useReportDraft } from '../report/useReportDraft';
import { createFieldReport } from './api';

export const DEFAULT_PRIORITY = 3;
export type FieldReportMissing = 'category' | 'title' | 'location';

export function useFieldReport(onCreated: () => void) {
  const { t } = useI18n();
  const message = useMessage();
  const session = useSessionStore();
  const draft = useReportDraft({
    blank: () => ({
      category: null as RiskCategory | null,
      title: '',
      description: '',
      address: '',
      priority: DEFAULT_PRIORITY,
      parties: [] as PartyRow[],
    }),
    missing: (form, location): FieldReportMissing[] => [
      ...(form.category ? [] : (['category'] as const)),
      ...(form.title.trim() ? [] : (['title'] as const)),
      ...(location ? [] : (['location'] as const)),
    ],
    photoUrl: PHOTO_URL.staff,
    csrfToken: () => session.csrfToken,
    async send(base, form) {
      const detail = await createFieldReport({ ...base, priority: form.priority, title: form.title.trim() });
      message.success(t('field.form.created', { code: detail.incident.code }), { duration: 6000 });
      draft.reset();
      onCreated();
    },
  });
  return draft;
}
