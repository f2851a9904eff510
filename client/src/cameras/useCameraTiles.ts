/**
 * The cameras a screen plays in tiles (the wall's stage, an event's key cameras): their names,
 * streams and whether they are offline, in the order asked; ids the cameras layer does not hold
 * are left out. Names and streams come from the static cameras layer; the status is the live one
 * the hub pushed (issue 18: `useCameraStatusStore`) where there is one, else the layer's, so a
 * tile follows a camera going offline or back online at once (`camera-tiles.ts`).
 */
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useLayerDataStore } from '../stores/layerData';
import { useCameraStatusStore } from '../stores/cameraStatus';
import { cameraTiles, sameTiles, type CameraTile, type CameraTileColumns } from './camera-tiles';

export type { CameraTile } from './camera-tiles';

export function useCameraTiles(ids: MaybeRefOrGetter<readonly string[]>) {
  const data = useLayerDataStore();
  const live = useCameraStatusStore();
  /** The layer's columns and id → row, once per load of the layer. */
  const columns = computed<CameraTileColumns | null>(() => {
    const l = data.layers.get('cameras');
    if (!l) return null;
    return {
      rows: new Map(l.strings('id').map((id, i) => [id, i])),
      names: l.strings('name'),
      status: l.strings('status'),
      urls: l.strings('streamUrl'),
    };
  });
  // `statusOf` follows the store's version, so this reruns on any camera's change: the previous
  // list is kept when these tiles show the same, and the screen is not handed a new one.
  return computed<CameraTile[]>((prev) => {
    const cols = columns.value;
    const next = cols ? cameraTiles(toValue(ids), cols, (id) => live.statusOf(id)) : [];
    return prev && sameTiles(prev, next) ? prev : next;
  });
}
