/**
 * "Make an incident of this alarm" (POST /incidents/from-alarm/:alarmId): the hub makes one, or
 * answers with the incident the alarm already has; either way it is selected and its detail opens.
 * Ids in flight are kept so their buttons wait.
 */
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { AlarmView } from '@shared/alarms';
import { useIncidentStore } from '../stores/incidents';
import { useErrorText } from '../common/useErrorText';
import { incidentFromAlarm } from './api';
import { useFocusIncident } from './useFocusIncident';

/**
 * Whether the alarm's incident button shows: it is still open, and it either can become an
 * incident or already belongs to one (made at once for priority 1, or the incident an SLA breach
 * alarm reports on), which the button then opens. A breach alarm never makes one of its own.
 */
export function canMakeIncident(a: Pick<AlarmView, 'status' | 'event' | 'incidentId'>): boolean {
  return (
    (a.status === 'new' || a.status === 'acknowledged') && (a.event.type !== 'sla_breach' || a.incidentId !== null)
  );
}

/** The button's words: open the alarm's incident, or make one. */
export const incidentButtonKey = (a: Pick<AlarmView, 'incidentId'>): string =>
  a.incidentId ? 'incidents.openLinked' : 'incidents.fromAlarm';

export function useMakeIncident() {
  const store = useIncidentStore();
  const focus = useFocusIncident();
  const message = useMessage();
  const { t } = useI18n();
  const errorText = useErrorText();
  const busy = ref<ReadonlySet<string>>(new Set());

  async function make(a: Pick<AlarmView, 'id' | 'incidentId'>): Promise<void> {
    if (busy.value.has(a.id)) return;
    busy.value = new Set([...busy.value, a.id]);
    try {
      const d = await incidentFromAlarm(a.id);
      store.upsert(d.incident);
      message.success(
        t(a.incidentId ? 'incidents.openLinkedDone' : 'incidents.fromAlarmDone', { code: d.incident.code }),
      );
      focus(d.incident);
    } catch (e) {
      message.error(t('incidents.fromAlarmFailed', { reason: errorText(e) }));
    } finally {
      const next = new Set(busy.value);
      next.delete(a.id);
      busy.value = next;
    }
  }

  return { make, busy };
}
