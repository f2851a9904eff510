/**
 * The stage's behaviour (issue 17): every priority-1 alarm that arrives live joins the stage's
 * queue (stage.ts); a timer moves it on. `current` is the alarm on stage (its latest state from
 * the alarm store), or null for the overview.
 */
import { computed, onBeforeUnmount, shallowRef, toValue, type MaybeRefOrGetter } from 'vue';
import { useIntervalFn } from '@vueuse/core';
import type { AlarmView } from '@shared/alarms';
import { useAlarmStore, isOpen } from '../stores/alarms';
import { advance, EMPTY_STAGE, enqueue, type StageState } from './stage';

export function useStage(stageSeconds: MaybeRefOrGetter<number>) {
  const alarms = useAlarmStore();
  const state = shallowRef<StageState>(EMPTY_STAGE);
  const ms = () => toValue(stageSeconds) * 1000;

  const off = alarms.onArrived((list: AlarmView[]) => {
    const p1 = list.filter((a) => a.priority === 1 && a.status === 'new').map((a) => a.id);
    if (p1.length) state.value = enqueue(state.value, p1, Date.now(), ms());
  });
  onBeforeUnmount(off);
  useIntervalFn(() => {
    const open = (id: string) => {
      const a = alarms.byId.get(id);
      return !!a && isOpen(a);
    };
    const next = advance(state.value, Date.now(), ms(), open);
    if (next !== state.value) state.value = next;
  }, 500);

  const current = computed(() => {
    const id = state.value.current?.id;
    return id ? (alarms.byId.get(id) ?? null) : null;
  });
  const waiting = computed(() => state.value.waiting.length);
  return { current, waiting };
}
