/**
 * Small pieces of desk state more than one component reads: which side tab shows (the alarm queue
 * or the incidents), one clock ticking every second for all SLA countdowns on screen (one timer,
 * not one per row), and the desk's map.
 *
 * The map is global state rather than injected: the desk page itself runs the incident shortcuts,
 * and a component cannot inject what it provides. Alarms and incidents both fly it.
 */
import { ref, shallowRef } from 'vue';
import { createGlobalState, createSharedComposable, useNow } from '@vueuse/core';
import type { MapContext } from '../map/mapContext';

export type DeskTab = 'alarms' | 'incidents';

/** The side panel's tab; alarms first (the queue is what a desk watches). */
export const useDeskTab = createGlobalState(() => ref<DeskTab>('alarms'));

/** Now, ticking once a second while anything on screen counts down. */
export const useSlaNow = createSharedComposable(() => useNow({ interval: 1000 }));

/** The desk's map once it is there (the desk page sets it; null elsewhere). */
export const useDeskMap = createGlobalState(() => shallowRef<MapContext | null>(null));
