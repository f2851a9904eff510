/**
 * The desk's alarm popups (issue 15): which show, which wait, and the tone. The policy is
 * popupPolicy.ts's; this feeds it live arrivals (not what a catch-up after (re)connect brings: the
 * queue shows those), every change of the store (a popup goes when its alarm is handled or
 * expires; a folded repeat needs nothing: the popup draws the store's current copy), one timer for
 * the next popup to time out (no polling), and the room AlarmPopupStack measured.
 *
 * The desk page creates it and provides it; the stack and the queue's counter inject it.
 */
import {
  computed,
  inject,
  onBeforeUnmount,
  provide,
  ref,
  shallowRef,
  watch,
  type ComputedRef,
  type InjectionKey,
  type Ref,
} from 'vue';
import type { AlarmView } from '@shared/alarms';
import { useAlarmStore } from '../stores/alarms';
import { playAlarmTone } from './alarmSound';
import { alarmMuted } from './useAlarmQueue';
import {
  MAX_POPUPS,
  arrive,
  dismiss,
  dismissWaiting,
  emptyPopups,
  expire,
  markShown,
  nextExpiry,
  reconcile,
  shownCount,
  waiting,
  type PopupState,
} from './popupPolicy';

export interface AlarmPopups {
  /** The alarms the stack may show (at most MAX_POPUPS, newest first); the first `room` are on screen. */
  candidates: ComputedRef<readonly AlarmView[]>;
  /** How many of them fit (AlarmPopupStack measures it; 0 holds them all). */
  room: Ref<number>;
  /** How many popups are on screen. */
  shownCount: ComputedRef<number>;
  /** Popups waiting (past the cap, or held for room): the counter on the queue. */
  waiting: ComputedRef<number>;
  /** Popups that came on screen since the desk opened (the bench counts them). */
  shownTotal: Ref<number>;
  /** The dispatcher closed one: it does not come back for that alarm. */
  close(id: string): void;
  /** The dispatcher turned to the queue for the waiting ones: they go without showing. */
  seeWaiting(): void;
}

const KEY: InjectionKey<AlarmPopups> = Symbol('alarm-popups');

/** Creates the desk's popups and provides them to its components. */
export function useAlarmPopups(): AlarmPopups {
  const store = useAlarmStore();
  const muted = alarmMuted();
  const state = shallowRef<PopupState>(emptyPopups());
  const room = ref(0);
  const shownTotal = ref(0);

  const offArrived = store.onArrived((alarms) => {
    const { state: next, tone } = arrive(state.value, alarms, Date.now());
    state.value = next;
    // One tone per batch of new alarms, never for a repeat folded into one already here.
    if (tone !== null && !muted.value) playAlarmTone(tone);
  });
  watch(
    () => store.byId,
    (byId) => (state.value = reconcile(state.value, (id) => byId.get(id))),
  );
  // What comes on screen gets its full time from then (a popup held for room may have waited).
  watch([state, room], ([s, n]) => {
    const next = markShown(s, n, Date.now());
    if (next === s) return;
    const waited = (x: PopupState) => x.entries.filter((e) => e.shownAt === null).length;
    shownTotal.value += waited(s) - waited(next);
    state.value = next;
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(
    state,
    (s) => {
      clearTimeout(timer);
      const at = nextExpiry(s);
      if (at !== null) timer = setTimeout(() => (state.value = expire(state.value, Date.now())), at - Date.now());
    },
    { immediate: true },
  );
  onBeforeUnmount(() => {
    offArrived();
    clearTimeout(timer);
  });

  const popups: AlarmPopups = {
    candidates: computed(() =>
      state.value.entries.slice(0, MAX_POPUPS).flatMap((e) => {
        const a = store.byId.get(e.id);
        return a ? [a] : [];
      }),
    ),
    room,
    shownCount: computed(() => shownCount(state.value, room.value)),
    waiting: computed(() => waiting(state.value, room.value)),
    shownTotal,
    close: (id) => (state.value = dismiss(state.value, [id])),
    seeWaiting: () => (state.value = dismissWaiting(state.value, room.value)),
  };
  provide(KEY, popups);
  return popups;
}

/** The desk's popups, from a component inside the desk (null elsewhere). */
export function injectAlarmPopups(): AlarmPopups | null {
  return inject(KEY, null);
}
