/**
 * The cameras a screen plays in tiles (the wall's stage, an event's key cameras): their names,
 * streams and whether they are offline, from the static cameras layer, in the order asked; ids
 * the layer does not hold are left out.
 */
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useLayerDataStore } from '../stores/layerData';

export interface CameraTile {
  id: string;
  name: string;
  offline: boolean;
  streamUrl: string | null;
}

export function useCameraTiles(ids: MaybeRefOrGetter<readonly string[]>) {
  const data = useLayerDataStore();
  /** Id → row, once per load of the layer. */
  const index = computed(() => {
    const l = data.layers.get('cameras');
    return l ? { layer: l, rows: new Map(l.strings('id').map((id, i) => [id, i])) } : null;
  });
  return computed<CameraTile[]>(() => {
    const x = index.value;
    if (!x) return [];
    const names = x.layer.strings('name');
    const status = x.layer.strings('status');
    const urls = x.layer.strings('streamUrl');
    return toValue(ids).flatMap((id) => {
      const i = x.rows.get(id);
      return i === undefined
        ? []
        : [{ id, name: names[i] ?? id, offline: status[i] === 'offline', streamUrl: urls[i] || null }];
    });
  });
}
