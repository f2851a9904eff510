/**
 * The citizen's report form: what was typed, the photos, the location, and sending it (photos
 * first, then the report) to the public endpoints. The reply's tracking code ends the form.
 */
import { computed, reactive, ref, shallowRef, type Ref } from 'vue';
import type { RiskCategory } from '../../../shared/incident-categories';
import type { CitizenReportReply } from '../../../shared/incidents';
import { PHOTO_URL, submitReport, type ReportRequest } from './api';
import { isDispute } from './categories';
import type { PickedLocation } from './parts/location';
import { partiesOf, type PartyRow } from './parts/parties';
import { usePhotoPicker } from './parts/usePhotoPicker';
import { useReportErrorText } from './useReportErrorText';

export type ReportMissing = 'category' | 'description' | 'location';

export function useReportForm(regionCode: Ref<string | null>) {
  const errorText = useReportErrorText();
  const form = reactive({
    category: null as RiskCategory | null,
    description: '',
    address: '',
    contactName: '',
    contactPhone: '',
    parties: [] as PartyRow[],
  });
  const location = ref<PickedLocation | null>(null);
  const photos = usePhotoPicker();
  const busy = ref(false);
  const error = ref<string | null>(null);
  const reply = shallowRef<CitizenReportReply | null>(null);
  /** Set once the person tried to send: only then are missing fields pointed out. */
  const tried = ref(false);

  const dispute = computed(() => isDispute(form.category));
  const missing = computed<ReportMissing[]>(() => [
    ...(form.category ? [] : (['category'] as const)),
    ...(form.description.trim() ? [] : (['description'] as const)),
    ...(location.value ? [] : (['location'] as const)),
  ]);

  function body(photoIds: string[]): ReportRequest {
    const loc = location.value!;
    const name = form.contactName.trim();
    const phone = form.contactPhone.trim();
    const parties = dispute.value ? partiesOf(form.parties) : [];
    return {
      category: form.category!,
      description: form.description.trim(),
      location: { lon: loc.lon, lat: loc.lat },
      address: form.address.trim(),
      ...(regionCode.value ? { regionCode: regionCode.value } : {}),
      ...(name || phone ? { contact: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } } : {}),
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
      const ids = await photos.uploadAll(PHOTO_URL.public, null);
      reply.value = await submitReport(body(ids));
    } catch (e) {
      error.value = errorText(e);
    } finally {
      busy.value = false;
    }
  }

  return { form, location, photos, busy, error, reply, tried, dispute, missing, submit };
}
