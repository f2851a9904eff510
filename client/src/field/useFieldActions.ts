/**
 * A field unit's actions on its assignments: one tap for accept / arrive / verify, a note first
 * for decline / reject (required) and resolve (optional). Each names the version it saw; a stale
 * one (someone changed the incident first) reloads the home and says so.
 */
import { computed, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { IncidentView } from '@shared/incidents';
import { ErrorCode } from '@shared/errors';
import { errorCode } from '../report/api';
import { useReportErrorText } from '../report/useReportErrorText';
import { actOnIncident } from './api';
import { noteNeed, type FieldAction } from './fieldActions';

export function useFieldActions(reload: () => Promise<void>) {
  const { t } = useI18n();
  const message = useMessage();
  const errorText = useReportErrorText();
  /** Incident ids with an action in flight (their buttons wait). */
  const busy = ref<ReadonlySet<string>>(new Set());
  /** The action waiting for its note (the note dialog is open). */
  const pending = shallowRef<{ incident: IncidentView; action: FieldAction } | null>(null);
  const noteRequired = computed(() => (pending.value ? noteNeed(pending.value.action) === 'required' : false));

  /** A button was pressed: send now, or ask for the note first. */
  function press(incident: IncidentView, action: FieldAction): void {
    if (noteNeed(action) === 'none') void send(incident, action);
    else pending.value = { incident, action };
  }

  /** The note dialog's answer. */
  async function confirmNote(note: string): Promise<boolean> {
    const p = pending.value;
    if (!p) return false;
    if (noteRequired.value && !note.trim()) return false;
    pending.value = null;
    await send(p.incident, p.action, note.trim() || undefined);
    return true;
  }

  async function send(incident: IncidentView, action: FieldAction, note?: string): Promise<void> {
    if (busy.value.has(incident.id)) return;
    busy.value = new Set([...busy.value, incident.id]);
    try {
      await actOnIncident(incident.id, { action, version: incident.version, ...(note ? { note } : {}) });
      message.success(t('field.acted', { action: t(`field.actions.${action}`) }));
    } catch (e) {
      if (errorCode(e) === ErrorCode.IncidentStale) message.warning(t('field.stale'), { duration: 6000 });
      else message.error(errorText(e), { duration: 6000 });
    } finally {
      const next = new Set(busy.value);
      next.delete(incident.id);
      busy.value = next;
      await reload();
    }
  }

  return { busy, pending, noteRequired, press, confirmNote, cancelNote: () => (pending.value = null) };
}
