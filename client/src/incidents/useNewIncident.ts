/**
 * The "new incident" form (a dispatcher's own report, or a 12345 hotline call typed in): its draft,
 * whether the dialog shows, picking the place with a click on the map (the dialog steps aside
 * meanwhile), taking the selected alarm's position, and sending it (POST /incidents). The state is
 * per page (the 'n' shortcut opens the same dialog), the behaviour per caller.
 */
import { computed, reactive, ref } from 'vue';
import { createGlobalState } from '@vueuse/core';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import { z } from 'zod';
import { createIncidentBody } from '@shared/incidents';
import { categoryOfEvent } from '@shared/incident-categories';
import { useAlarmStore } from '../stores/alarms';
import { useIncidentStore } from '../stores/incidents';
import { useErrorText } from '../common/useErrorText';
import { createIncident } from './api';
import { useDeskMap } from '../common/useDeskShared';
import { useFocusIncident } from './useFocusIncident';
import { fromDrawn } from '../stores/basemap';
import { draftBody, emptyDraft, type IncidentDraft } from './draft';
import { isDispute as isDisputeCategory } from '../report/categories';

export const useNewIncidentState = createGlobalState(() => ({
  show: ref(false),
  picking: ref(false),
  busy: ref(false),
  draft: reactive<IncidentDraft>(emptyDraft()),
  /** Ends a pick in progress (removes its map listener); null when none is. */
  pickEnd: { cancel: null as (() => void) | null },
}));

export function useNewIncident() {
  const state = useNewIncidentState();
  const map = useDeskMap();
  const alarms = useAlarmStore();
  const incidents = useIncidentStore();
  const focus = useFocusIncident();
  const message = useMessage();
  const { t } = useI18n();
  const errorText = useErrorText();
  const { draft } = state;

  const isDispute = computed(() => isDisputeCategory(draft.category));
  const selectedAlarm = computed(() => (alarms.selectedId ? alarms.byId.get(alarms.selectedId) : undefined));
  const canSubmit = computed(
    () => draft.category !== null && draft.title.trim() !== '' && draft.location !== null && !state.busy.value,
  );

  /**
   * The dialog steps aside; the next click on the map sets the place (Esc: stopPicking). The click
   * is taken in the capture phase on the map's container, before MapLibre sees it, so it does not
   * also pick a camera or an alarm under it; a drag (panning to the place) is not a click.
   */
  function pick(): void {
    const m = map.value?.map.value;
    if (!m) return;
    state.pickEnd.cancel?.();
    state.show.value = false;
    state.picking.value = true;
    const container = m.getContainer();
    const canvas = m.getCanvas();
    canvas.style.cursor = 'crosshair';
    let down: [number, number] | null = null;
    const onDown = (e: MouseEvent): void => {
      down = [e.clientX, e.clientY];
    };
    const onClick = (e: MouseEvent): void => {
      if (e.target instanceof Element && e.target.closest('.maplibregl-ctrl')) return; // zoom buttons
      if (down && Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) return; // a pan
      e.stopPropagation();
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      const at = m.unproject([e.clientX - r.left, e.clientY - r.top]);
      const [lon, lat] = fromDrawn([at.lng, at.lat]);
      draft.location = { lon, lat, source: 'map' };
      stopPicking();
    };
    container.addEventListener('mousedown', onDown, true);
    container.addEventListener('click', onClick, true);
    state.pickEnd.cancel = () => {
      container.removeEventListener('mousedown', onDown, true);
      container.removeEventListener('click', onClick, true);
      canvas.style.cursor = '';
    };
  }

  function stopPicking(): void {
    state.pickEnd.cancel?.();
    state.pickEnd.cancel = null;
    if (!state.picking.value) return;
    state.picking.value = false;
    state.show.value = true;
  }

  /** Takes the selected alarm's place (and its category and rule as a start, where none is chosen). */
  function takeAlarm(): void {
    const a = selectedAlarm.value;
    if (!a) return;
    draft.location = { lon: a.position[0], lat: a.position[1], source: 'alarm' };
    draft.category ??= categoryOfEvent(a.event.type, null, a.event.source);
    if (!draft.title.trim()) draft.title = a.rule.name;
  }

  async function submit(): Promise<void> {
    const parsed = createIncidentBody.safeParse(draftBody(draft));
    if (!parsed.success) {
      message.error(t('incidents.form.failed', { reason: z.prettifyError(parsed.error) }));
      return;
    }
    state.busy.value = true;
    try {
      const created = await createIncident(parsed.data);
      incidents.upsert(created.incident);
      message.success(t('incidents.form.created', { code: created.incident.code }));
      Object.assign(draft, emptyDraft());
      state.show.value = false;
      focus(created.incident);
    } catch (e) {
      message.error(t('incidents.form.failed', { reason: errorText(e) }));
    } finally {
      state.busy.value = false;
    }
  }

  return {
    show: state.show,
    picking: state.picking,
    busy: state.busy,
    draft,
    isDispute,
    canSubmit,
    selectedAlarm,
    canPick: computed(() => map.value !== null),
    open: () => (state.show.value = true),
    pick,
    stopPicking,
    takeAlarm,
    submit,
  };
}
