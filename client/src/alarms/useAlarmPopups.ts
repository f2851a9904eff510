/**
 * A popup (Naive UI notification) for every new alarm that arrives live — not for what the
 * catch-up after (re)connect brings, which the queue shows — with its priority's tone unless the
 * queue's mute switch is on. A burst shows the most urgent few and one tone for the batch.
 */
import { h, onBeforeUnmount } from 'vue';
import { useI18n } from 'vue-i18n';
import { NButton, useNotification } from 'naive-ui';
import type { AlarmView } from '@shared/alarms';
import { compareAlarms, useAlarmStore } from '../stores/alarms';
import { alarmCss } from '../map/palette';
import { playAlarmTone } from './alarmSound';
import { alarmMuted } from './useAlarmQueue';
import { formatClockTime } from '../util/format';
import { useFocusAlarm } from './useFocusAlarm';
import { useAlarmUnits } from './useAlarmUnits';
import { useSessionStore } from '../stores/session';
import { ALARM_HANDLERS } from './useAlarmQueue';
import { canMakeIncident, incidentButtonKey, useMakeIncident } from '../incidents/useMakeIncident';

/** At most this many popups per batch: a storm of alarms belongs in the queue, not on top of the map. */
const MAX_PER_BATCH = 3;
/** Priority 1 stays until closed; the others go after a while. */
const DURATION_MS: Record<number, number> = { 1: 0, 2: 20_000, 3: 10_000, 4: 6_000 };

export function useAlarmPopups(): void {
  const store = useAlarmStore();
  const notification = useNotification();
  const { t, locale } = useI18n();
  const muted = alarmMuted();
  const focus = useFocusAlarm();
  const unitsOf = useAlarmUnits();
  const session = useSessionStore();
  const incident = useMakeIncident();

  function show(a: AlarmView): void {
    const place = a.zone?.name ?? t('alarms.noZone', { grid: a.gridCode });
    const units = unitsOf(a);
    const detail = { opacity: 0.7, fontSize: '12px' };
    const n = notification.create({
      type: a.priority <= 2 ? 'error' : a.priority === 3 ? 'warning' : 'info',
      title: t('alarms.popupTitle', { priority: a.priority, rule: a.rule.name }),
      content: () =>
        h(
          'div',
          {
            'data-testid': 'alarm-popup',
            'data-id': a.id,
            'data-priority': a.priority,
            style: { borderLeft: `4px solid ${alarmCss(a.priority)}`, paddingLeft: '8px', cursor: 'pointer' },
            onClick: () => {
              void focus(a);
              n.destroy();
            },
          },
          [
            h('div', t('alarms.popupBody', { place, time: formatClockTime(a.event.at, locale.value) })),
            a.cameraIds.length ? h('div', { style: detail }, t('alarms.cameras', { n: a.cameraIds.length })) : null,
            units
              ? h('div', { style: detail, 'data-testid': 'alarm-popup-units', 'data-count': a.unitIds.length }, units)
              : null,
            a.broadcast ? h('div', { style: detail }, t('alarms.broadcast', { say: a.broadcast.say })) : null,
            session.user && ALARM_HANDLERS.includes(session.user.role) && canMakeIncident(a)
              ? h(
                  NButton,
                  {
                    size: 'tiny',
                    type: 'primary',
                    secondary: true,
                    style: { marginTop: '4px' },
                    'data-testid': 'alarm-popup-make-incident',
                    onClick: (e: MouseEvent) => {
                      e.stopPropagation();
                      void incident.make(a);
                      n.destroy();
                    },
                  },
                  () => t(incidentButtonKey(a)),
                )
              : null,
          ],
        ),
      duration: DURATION_MS[a.priority] ?? 10_000,
      keepAliveOnHover: true,
    });
  }

  const off = store.onArrived((alarms) => {
    const urgent = [...alarms].sort(compareAlarms);
    urgent.slice(0, MAX_PER_BATCH).forEach(show);
    if (!muted.value) playAlarmTone(urgent[0]!.priority);
  });
  onBeforeUnmount(off);
}
