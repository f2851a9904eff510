/**
 * One masked value of an incident (a reporter's phone, a dispute party's ID number): whether this
 * person's role may see it in full (shared/personal-data.ts; the hub decides again and audits), and
 * the explicit "show" that asks the hub for it. The full value lives only in this component while
 * it shows the same incident, never in a store: another incident, or closing the panel, forgets it.
 */
import { computed, ref, watch, type Ref } from 'vue';
import { mayReveal, type PersonalField } from '@shared/personal-data';
import { useErrorText } from '../common/useErrorText';
import { useSessionStore } from '../stores/session';
import { revealPersonal } from './api';

export function useReveal(incidentId: Ref<string>, field: PersonalField, party: Ref<number | null> = ref(null)) {
  const session = useSessionStore();
  const errorText = useErrorText();
  const full = ref<string | null>(null);
  const busy = ref(false);
  const error = ref<string | null>(null);

  watch([incidentId, party], () => {
    full.value = null;
    error.value = null;
  });

  const allowed = computed(() => {
    const role = session.user?.role;
    return role !== undefined && mayReveal(role, field);
  });

  async function reveal(): Promise<void> {
    if (busy.value || !allowed.value) return;
    const id = incidentId.value;
    busy.value = true;
    try {
      const answer = await revealPersonal(id, party.value === null ? { field } : { field, party: party.value });
      if (incidentId.value === id) full.value = answer.value;
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    } finally {
      busy.value = false;
    }
  }

  return { full, allowed, busy, error, reveal };
}
