/**
 * The field units an alarm proposes (`unitIds`: the nearest available responders, or the grid's
 * grid workers), as a line for the popup and the queue row: by callsign when this screen holds the
 * units layer and knows every one of them, else by count (the layer is not loaded yet, or a unit
 * lies outside this user's region and so outside the layer).
 */
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import type { AlarmView } from '@shared/alarms';
import { useLayerDataStore } from '../stores/layerData';

/** Unit id → callsign, from the units layer's columns; null until the layer is here. */
export function callsignIndex(
  layer: { strings(name: string): readonly string[] } | undefined,
): ReadonlyMap<string, string> | null {
  if (!layer) return null;
  const ids = layer.strings('id');
  const callsigns = layer.strings('callsign');
  return new Map(ids.map((id, i) => [id, callsigns[i] ?? id]));
}

/** The callsigns of `unitIds` in their order, or null when any is unknown. */
export function callsignsOf(unitIds: readonly string[], index: ReadonlyMap<string, string> | null): string[] | null {
  if (!index) return null;
  const out: string[] = [];
  for (const id of unitIds) {
    const c = index.get(id);
    if (c === undefined) return null;
    out.push(c);
  }
  return out;
}

export function useAlarmUnits() {
  const data = useLayerDataStore();
  const { t } = useI18n();
  // Rebuilt only when the units layer is (re)placed, not per alarm.
  const index = computed(() => callsignIndex(data.layers.get('units')));

  /** "Units: 巡01、巡02" or "3 units proposed"; null when the alarm proposes none. */
  return (a: AlarmView): string | null => {
    if (a.unitIds.length === 0) return null;
    const names = callsignsOf(a.unitIds, index.value);
    return names
      ? t('alarms.units', { list: names.join(t('alarms.unitSeparator')) })
      : t('alarms.unitCount', { n: a.unitIds.length });
  };
}
