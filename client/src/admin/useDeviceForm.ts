/**
 * The device dialog's form: the draft (device-form.ts), checked by the shared deviceEndpointBody
 * as it is typed, and the hub's refusal put on the field or channel row it names until that is
 * edited. Problems show once a save was tried, each in the words of its field.
 */
import { computed, reactive, ref, shallowRef, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { DeviceEndpointBody, DeviceEndpointView } from '@shared/devices';
import {
  IDENTITY_FIELD,
  checkDraft,
  draftOf,
  serverHint,
  serverProblems,
  type DeviceDraft,
  type Hint,
  type ProblemKey,
} from './device-form';
import type { DeviceSaveOutcome } from './useDevices';

export type DeviceErrors = Partial<Record<ProblemKey, string>>;

export function useDeviceForm(editing: Ref<DeviceEndpointView | null>, defaultScope: Ref<string>) {
  const { t } = useI18n();
  const draft = reactive<DeviceDraft>(draftOf(null));
  /** A save was tried: problems show from now on. */
  const touched = ref(false);
  /** The hub's refusal (its words by field, or a clash), and what each field held when it was sent. */
  const refused = shallowRef<{ errors: DeviceErrors; sent: Partial<Record<ProblemKey, string>> }>({
    errors: {},
    sent: {},
  });

  /** A field's or row's value as sent, to tell whether it was edited since. */
  function valueOf(key: ProblemKey): string {
    if (key.startsWith('row.')) return JSON.stringify(draft.channels[Number(key.slice(4))] ?? null);
    if (key === 'general') return JSON.stringify(draft);
    return JSON.stringify(draft[key as Exclude<ProblemKey, 'general' | `row.${number}`>]);
  }

  function fill(): void {
    Object.assign(draft, draftOf(editing.value, defaultScope.value));
    touched.value = false;
    refused.value = { errors: {}, sent: {} };
  }

  const checked = computed(() => checkDraft(draft));
  const hint = (h: Hint): string => t(`admin.devices.invalid.${h}`);

  /** Each field's and row's problem, in its words (after a save was tried). */
  const errors = computed<DeviceErrors>(() => {
    if (!touched.value) return {};
    const out: DeviceErrors = {};
    const c = checked.value;
    if (!c.ok) for (const [k, h] of Object.entries(c.problems) as [ProblemKey, Hint][]) out[k] = hint(h);
    // The hub's word holds until that field is changed (the next save asks again).
    for (const [k, message] of Object.entries(refused.value.errors) as [ProblemKey, string][])
      if (valueOf(k) === refused.value.sent[k]) out[k] ??= message;
    return out;
  });

  /** The body to send, or null (and the problems shown). */
  function attempt(): DeviceEndpointBody | null {
    touched.value = true;
    const c = checked.value;
    return c.ok ? c.body : null;
  }

  /** The hub refused the save: its problems, on the fields and rows they name. */
  function refuse(outcome: Extract<DeviceSaveOutcome, { ok: false }>): void {
    const errors: DeviceErrors = {};
    if (outcome.conflict) errors[IDENTITY_FIELD[draft.kind]] = outcome.conflict;
    if (outcome.refusal) {
      const found = serverProblems(draft, outcome.refusal.message, outcome.refusal.details);
      for (const [k, message] of Object.entries(found) as [ProblemKey, string][])
        errors[k] =
          k === 'general' ? message : t('admin.devices.invalid.server', { hint: hint(serverHint(k)), message });
    }
    const sent: Partial<Record<ProblemKey, string>> = {};
    for (const k of Object.keys(errors) as ProblemKey[]) sent[k] = valueOf(k);
    refused.value = { errors, sent };
  }

  return { draft, errors, fill, attempt, refuse };
}
