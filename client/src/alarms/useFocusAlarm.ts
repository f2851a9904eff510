/**
 * "Go to this alarm": select it, open its first camera's card (the desk's camera selection, so the
 * URL deep link follows), and fly the desk's map to where it happened (useDeskMap: outside the
 * desk only the selection changes).
 */
import { nextTick } from 'vue';
import type { AlarmView } from '@shared/alarms';
import { useAlarmStore } from '../stores/alarms';
import { useLayerDataStore } from '../stores/layerData';
import { useMapUiStore } from '../stores/mapUi';
import { useDeskMap } from '../common/useDeskShared';

/** The zoom an alarm is shown at: a street and its cameras. */
const ALARM_ZOOM = 17;

export function useFocusAlarm() {
  const store = useAlarmStore();
  const data = useLayerDataStore();
  const ui = useMapUiStore();
  const map = useDeskMap();

  return async (a: AlarmView): Promise<void> => {
    store.select(a.id);
    const cams = data.layers.get('cameras');
    const ids = cams?.strings('id');
    const index = a.cameraIds.map((id) => ids?.indexOf(id) ?? -1).find((i) => i >= 0) ?? -1;
    if (index >= 0) ui.select({ kind: 'camera', index });
    // After the selection's own move (it flies to the camera): the alarm itself goes in the middle.
    await nextTick();
    map.value?.flyTo(a.position, ALARM_ZOOM);
  };
}
