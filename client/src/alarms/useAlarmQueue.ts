/**
 * The alarm queue panel's model: the filtered rows, the filter options, whether this user may
 * handle alarms (commander, dispatcher: 'alarm:handle'), the actions, the mute switch, the units
 * each alarm proposes, and what a click on a row does (select it, fly the map there, open its
 * first camera's card).
 */
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useLocalStorage } from '@vueuse/core';
import { useMessage } from 'naive-ui';
import type { AlarmStatus, AlarmView } from '@shared/alarms';
import { ALARM_STATUSES } from '@shared/alarms';
import type { EventType } from '@shared/ingest';
import type { Role } from '@shared/auth';
import { useAlarmStore, type AlarmAction } from '../stores/alarms';
import { useSessionStore } from '../stores/session';
import { useErrorText } from '../common/useErrorText';
import { formatClockTime } from '../util/format';
import { useRegionIndex } from '../stores/regionIndex';
import { unlockAudio } from './alarmSound';
import { useFocusAlarm } from './useFocusAlarm';
import { useAlarmUnits } from './useAlarmUnits';

/** The roles the hub lets acknowledge / mark false (server/auth/policy.ts: 'alarm:handle'). */
export const ALARM_HANDLERS: readonly Role[] = ['commander', 'dispatcher'];

/** Shared with the popups: one switch, remembered per browser. */
export const alarmMuted = () => useLocalStorage('alarm-sound-muted', false);

export function useAlarmQueue() {
  const store = useAlarmStore();
  const session = useSessionStore();
  const { t, locale } = useI18n();
  const message = useMessage();
  const errorText = useErrorText();
  const { byCode } = useRegionIndex();
  const focus = useFocusAlarm();
  const units = useAlarmUnits();
  const muted = alarmMuted();
  /** Ids with an action in flight: their buttons wait. */
  const busy = ref<ReadonlySet<string>>(new Set());

  const canHandle = computed(() => !!session.user && ALARM_HANDLERS.includes(session.user.role));

  const typeOptions = computed(() => {
    const types = new Set<EventType>(['fence_intrusion', 'stranger']);
    for (const a of store.byId.values()) types.add(a.event.type);
    return [
      { value: '', label: t('alarms.filters.allTypes') },
      ...[...types].map((ty) => ({ value: ty, label: t(`alarms.types.${ty}`) })),
    ];
  });
  const statusOptions = computed(() => [
    { value: 'open', label: t('alarms.filters.open') },
    ...ALARM_STATUSES.map((s) => ({ value: s, label: t(`alarms.status.${s}`) })),
  ]);
  const regionOptions = computed(() => {
    const opts = [{ value: '', label: t('alarms.filters.allRegions') }];
    for (const r of byCode.value.values()) {
      if (r.layer === 'districts') opts.push({ value: r.code, label: r.name });
      else if (r.layer === 'streets')
        opts.push({ value: r.code, label: `${byCode.value.get(r.code.slice(0, 6))?.name ?? ''} › ${r.name}` });
    }
    return opts;
  });

  function setType(v: string): void {
    store.setFilters({ type: v ? (v as EventType) : null });
  }
  function setStatus(v: string): void {
    store.setFilters({ status: v as AlarmStatus | 'open' });
  }
  function setRegion(v: string | null): void {
    store.setFilters({ region: v ?? '' });
  }

  async function act(a: AlarmView, action: AlarmAction): Promise<void> {
    busy.value = new Set([...busy.value, a.id]);
    try {
      await store.act(a.id, action);
      message.success(t(action === 'acknowledge' ? 'alarms.acknowledged' : 'alarms.markedFalse'));
    } catch (e) {
      message.error(t('alarms.actionFailed', { reason: errorText(e) }));
    } finally {
      const next = new Set(busy.value);
      next.delete(a.id);
      busy.value = next;
    }
  }

  function toggleMute(): void {
    muted.value = !muted.value;
    // A click is a user gesture: the browser lets the tones play from now on.
    if (!muted.value) unlockAudio();
  }

  /** Where it is: the zone's name, else its grid. */
  const place = (a: AlarmView): string => a.zone?.name ?? t('alarms.noZone', { grid: a.gridCode });
  const time = (a: AlarmView): string => formatClockTime(a.event.at, locale.value);

  return {
    rows: computed(() => store.filtered),
    counts: computed(() => store.counts),
    total: computed(() => store.queue.length),
    filters: computed(() => store.filters),
    selectedId: computed(() => store.selectedId),
    filtered: computed(
      () => store.filters.type !== null || store.filters.region !== '' || store.filters.status !== 'open',
    ),
    typeOptions,
    statusOptions,
    regionOptions,
    canHandle,
    busy,
    muted,
    setType,
    setStatus,
    setRegion,
    act,
    toggleMute,
    open: focus,
    place,
    time,
    units,
  };
}
