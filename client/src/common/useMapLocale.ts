/**
 * MapLibre's own UI strings (the zoom buttons, the compass, the scale's units, the canvas label)
 * in the screen's language, by MapLibre's string ids. The map part imports nothing of ours, so each
 * page with a map (the desk, the event planner and leader view) hands them to it; a language
 * switch hands the new ones.
 */
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';

export function useMapLocale() {
  const { t } = useI18n();
  return computed<Record<string, string>>(() => ({
    'Map.Title': t('map.controls.title'),
    'NavigationControl.ZoomIn': t('map.controls.zoomIn'),
    'NavigationControl.ZoomOut': t('map.controls.zoomOut'),
    'NavigationControl.ResetBearing': t('map.controls.resetBearing'),
    'ScaleControl.Meters': t('map.controls.meters'),
    'ScaleControl.Kilometers': t('map.controls.kilometers'),
  }));
}
