/**
 * The location of a report: the phone's GPS (kept up to date while the person has chosen it),
 * a point picked on the map, or (field units) the unit's known position.
 */
import { computed, ref, watch, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { formatLonLat } from '../geo';
import type { PickedLocation } from './location';
import { useGeoFix } from './useGeoFix';

export function useLocationField(model: Ref<PickedLocation | null>, unitPosition: () => [number, number] | null) {
  const { t } = useI18n();
  const geo = useGeoFix();
  const mapOpen = ref(false);

  function useGps(): void {
    geo.start();
    if (geo.fix.value) takeFix();
  }

  function takeFix(): void {
    const f = geo.fix.value;
    if (f) model.value = { lon: f.lon, lat: f.lat, accuracy: f.accuracy, source: 'gps' };
  }

  // While GPS is the chosen source, a newer (better) reading replaces the old one.
  watch(geo.fix, () => {
    if (!model.value || model.value.source === 'gps') takeFix();
  });

  function useUnit(): void {
    const p = unitPosition();
    if (p) model.value = { lon: p[0], lat: p[1], source: 'unit' };
  }

  function picked(lon: number, lat: number): void {
    model.value = { lon, lat, source: 'map' };
  }

  /** Where the map starts: the chosen point, else the phone's, else the unit's. */
  function mapStart(): [number, number] | null {
    if (model.value) return [model.value.lon, model.value.lat];
    const f = geo.fix.value;
    if (f) return [f.lon, f.lat];
    return unitPosition();
  }

  const text = computed(() => {
    const m = model.value;
    if (!m) return t('field.location.none');
    const ll = formatLonLat(m.lon, m.lat);
    const from = t(
      m.source === 'gps'
        ? 'field.location.fromGps'
        : m.source === 'map'
          ? 'field.location.fromMap'
          : 'field.location.fromUnit',
    );
    const acc = m.source === 'gps' && m.accuracy ? t('field.location.accuracy', { m: Math.round(m.accuracy) }) : '';
    return `${t('field.location.value', ll)}${acc} · ${from}`;
  });

  return { geo, mapOpen, text, useGps, useUnit, picked, mapStart };
}
