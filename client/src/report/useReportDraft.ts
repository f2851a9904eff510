/**
 * What the phone's report forms share (the citizen's, useReportForm; the field unit's,
 * useFieldReport): the typed fields every report has (category, description, address, parties
 * for a dispute), the location, the photos, which required fields are missing (pointed out only
 * once the person tried to send), and sending: photos first, then the report built from the shared
 * part (`ReportBase`) by the form's own `send`.
 */
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { RiskCategory } from '@shared/incident-categories';
import type { Party } from '@shared/incidents';
import { isDispute } from './categories';
import type { PickedLocation } from './parts/location';
import { partiesOf, type PartyRow } from './parts/parties';
import { usePhotoPicker } from './parts/usePhotoPicker';
import { useReportErrorText } from './useReportErrorText';

/** The fields every report form has. */
export interface ReportFields {
  category: RiskCategory | null;
  description: string;
  address: string;
  parties: PartyRow[];
}

/** The part of the body every report sends (POST /incidents for a field unit, /public/reports for a citizen). */
export interface ReportBase {
  category: RiskCategory;
  description: string;
  location: { lon: number; lat: number };
  address: string;
  parties?: Party[];
  photoIds?: string[];
}

export interface ReportDraftOptions<F extends ReportFields, M extends string> {
  /** A fresh form (also after a report went out). */
  blank(): F;
  /** The required fields not filled yet, in the order the form shows them. */
  missing(form: F, location: PickedLocation | null): M[];
  /** Where the photos go, and the session's CSRF token (null: none, the public endpoint). */
  photoUrl: string;
  csrfToken(): string | null;
  /** Sends the report (the shared part built, photos uploaded); a throw is shown as the error. */
  send(base: ReportBase, form: F): Promise<void>;
}

export function useReportDraft<F extends ReportFields, M extends string>(opts: ReportDraftOptions<F, M>) {
  const { t } = useI18n();
  const errorText = useReportErrorText();
  // Plain fields only (no refs inside): the reactive proxy reads as F.
  const form = reactive(opts.blank()) as F;
  const location = ref<PickedLocation | null>(null);
  const photos = usePhotoPicker();
  const busy = ref(false);
  const error = ref<string | null>(null);
  /** Set once the person tried to send: only then are missing fields pointed out. */
  const tried = ref(false);

  const dispute = computed(() => isDispute(form.category));
  const missing = computed(() => opts.missing(form, location.value));

  function base(photoIds: string[]): ReportBase {
    const loc = location.value!;
    const parties = dispute.value ? partiesOf(form.parties) : [];
    return {
      category: form.category!,
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
      const ids = await photos.uploadAll(opts.photoUrl, opts.csrfToken());
      await opts.send(base(ids), form);
    } catch (e) {
      error.value = errorText(e);
    } finally {
      busy.value = false;
    }
  }

  /** Empties the form for the next report. */
  function reset(): void {
    Object.assign(form, opts.blank());
    location.value = null;
    photos.clear();
    tried.value = false;
  }

  /** A form item's missing-field mark: its validation status and the sentence under it. */
  const status = (field: M): 'error' | undefined =>
    tried.value && missing.value.includes(field) ? 'error' : undefined;
  const feedback = (field: M): string | undefined => (status(field) ? t(`field.form.missing.${field}`) : undefined);

  return { form, location, photos, busy, error, tried, dispute, missing, submit, reset, status, feedback };
}
