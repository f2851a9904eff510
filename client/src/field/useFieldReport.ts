/**
 * A field unit reports a new problem (POST /incidents: the hub makes it a field report):
 * category, title, description, priority (3 unless changed), where (GPS, the map or the unit's
 * position), parties for a dispute, photos (uploaded first, with the session's CSRF token).
 */
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { RiskCategory } from '../../../shared/incident-categories';
import { useSessionStore } from '../stores/session';
import { PHOTO_URL } from '../report/api';
import { isDispute } from '../report/categories';
import type { PickedLocation } from '../report/parts/location';
import { partiesOf, type PartyRow } from '../report/parts/parties';
import { usePhotoPicker } from '../report/parts/usePhotoPicker';
import { useReportErrorText } from '../report/useReportErrorText';
import { createFieldReport, type FieldReportRequest } from './api';

export const DEFAULT_PRIORITY = 3;
export type FieldReportMissing = 'category' | 'title' | 'location';

export function useFieldReport(onCreated: () => void) {
  const { t } = useI18n();
  const message = useMessage();
  const session = useSessionStore();
  const errorText = useReportErrorText();
  const blank = () => ({ category: null as RiskCategory | null, title: '', description: '', address: '', priority: DEFAULT_PRIORITY, parties: [] as PartyRow[] });
  const form = reactive(blank());
  const location = ref<PickedLocation | null>(null);
  const photos = usePhotoPicker();
  const busy = ref(false);
  const error = ref<string | null>(null);
  const tried = ref(false);

  const dispute = computed(() => isDispute(form.category));
  const missing = computed<FieldReportMissing[]>(() => [
    ...(form.category ? [] : (['category'] as const)),
    ...(form.title.trim() ? [] : (['title'] as const)),
    ...(location.value ? [] : (['location'] as const)),
  ]);

  function body(photoIds: string[]): FieldReportRequest {
    const loc = location.value!;
    const parties = dispute.value ? partiesOf(form.parties) : [];
    return {
      category: form.category!,
      priority: form.priority,
      title: form.title.trim(),
      description: form.description.trim(),
      location: { lon: loc.lon, lat: loc.lat },
      address: form.address.trim(),
      ...(parties.length ? { parties } : {}),
      ...(photoIds.length ? { photoIds } : {}),
    };
  }

  async function submit(): Promise<void> {
    tried.value = true;
    if (busy.value || missing.value.length) return;
    busy.value = true;
    error.value = null;
    try {
      const ids = await photos.uploadAll(PHOTO_URL.staff, session.csrfToken);
      const detail = await createFieldReport(body(ids));
      message.success(t('field.form.created', { code: detail.incident.code }), { duration: 6000 });
      Object.assign(form, blank());
      location.value = null;
      photos.clear();
      tried.value = false;
      onCreated();
    } catch (e) {
      error.value = errorText(e);
    } finally {
      busy.value = false;
    }
  }

  return { form, location, photos, busy, error, tried, dispute, missing, submit };
}
