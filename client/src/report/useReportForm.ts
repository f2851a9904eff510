/**
 * The citizen's report form: useReportDraft with a description required (no title), the region of
 * the QR code scanned and a contact, sent to the public endpoints. The reply's tracking code ends
 * the form.
 */
import { shallowRef, type Ref } from 'vue';
import type { RiskCategory } from '@shared/incident-categories';
import type { CitizenReportReply } from '@shared/incidents';
import { PHOTO_URL, submitReport } from './api';
import type { PartyRow } from './parts/parties';
import { useReportDraft } from './useReportDraft';

export type ReportMissing = 'category' | 'description' | 'location';

export function useReportForm(regionCode: Ref<string | null>) {
  const reply = shallowRef<CitizenReportReply | null>(null);
  const draft = useReportDraft({
    blank: () => ({
      category: null as RiskCategory | null,
      description: '',
      address: '',
      contactName: '',
      contactPhone: '',
      parties: [] as PartyRow[],
    }),
    missing: (form, location): ReportMissing[] => [
      ...(form.category ? [] : (['category'] as const)),
      ...(form.description.trim() ? [] : (['description'] as const)),
      ...(location ? [] : (['location'] as const)),
    ],
    photoUrl: PHOTO_URL.public,
    csrfToken: () => null,
    async send(base, form) {
      const name = form.contactName.trim();
      const phone = form.contactPhone.trim();
      reply.value = await submitReport({
        ...base,
        ...(regionCode.value ? { regionCode: regionCode.value } : {}),
        ...(name || phone ? { contact: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } } : {}),
      });
    },
  });
  return { ...draft, reply };
}
