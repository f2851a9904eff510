/** The card's words: kind and status labels, headings as compass words, distances, coordinates. */
import { useI18n } from 'vue-i18n';
import { CAMERA_STATUSES, type CameraKind } from '@shared/world';
import { compassPoint, normaliseDeg } from './compass';

export function useCameraLabels() {
  const { t } = useI18n();
  return {
    kind: (kind: CameraKind) => t(`cameras.kind.${kind}`),
    /** Unknown statuses (a newer hub) are shown as they come rather than as a missing key. */
    status: (status: string) =>
      (CAMERA_STATUSES as readonly string[]).includes(status) ? t(`cameras.status.${status}`) : status,
    /** 42.4 → "东北 42°". */
    direction: (deg: number) =>
      t('cameras.headingValue', {
        dir: t(`cameras.compass.${compassPoint(deg)}`),
        deg: Math.round(normaliseDeg(deg)) % 360,
      }),
    /** 85.4 → "85 米"; 1534 → "1.5 公里". */
    distance: (m: number) =>
      m < 1000
        ? t('cameras.nearby.meters', { n: Math.round(m) })
        : t('cameras.nearby.kilometers', { n: (m / 1000).toFixed(1) }),
    /** Six decimals: about 0.1 m, the precision a dispatcher can read out over the radio. */
    position: ([lon, lat]: [number, number]) =>
      t('cameras.positionValue', { lon: lon.toFixed(6), lat: lat.toFixed(6) }),
  };
}
